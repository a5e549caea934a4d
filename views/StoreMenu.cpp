#include "views/StoreMenu.h"

#include "views/MainWindow.h"
#include "views/OpenStoreDialog.h"
#include "service/DomainService.h"
#include "service/LiveUpdates.h"

#include <QAction>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>

namespace passdeck {

StoreMenu::StoreMenu(MainWindow &window) : QObject(&window), m_window(window)
{
    setObjectName(QStringLiteral("storeMenu"));
    auto *file = new QMenu(tr("&File"), &window);
    file->setObjectName(QStringLiteral("menuFile"));
    QAction *open = file->addAction(tr("&Open Store…"));
    open->setObjectName(QStringLiteral("actionOpenStore"));
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, &StoreMenu::openStoreDialog);
    window.menuBar()->insertMenu(window.menuBar()->actions().value(0), file);

    m_status = new QLabel(&window);
    m_status->setObjectName(QStringLiteral("storeStatus"));
    m_status->setAccessibleName(tr("Open store"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    window.statusBar()->setObjectName(QStringLiteral("statusBar"));
    window.statusBar()->addPermanentWidget(m_status, 1);
    updateStatus();
}

StoreMenu *StoreMenu::of(const MainWindow &window)
{
    return window.findChild<StoreMenu *>(QStringLiteral("storeMenu"), Qt::FindDirectChildrenOnly);
}

void StoreMenu::updateStatus()
{
    const DomainService &service = m_window.service();
    const QString kind = service.storeIsPostgres() ? tr("PostgreSQL") : tr("SQLite");
    QString text = tr("Store: %1 (%2)").arg(service.storeLocation(), kind);
    if (m_live)
        text += m_live->isListening() ? tr(" · live updates") : tr(" · no live updates: %1").arg(m_live->error());
    m_status->setText(text);
    m_status->setToolTip(text);
}

void StoreMenu::openStoreDialog()
{
    const QString last = OpenStoreDialog::lastStore();
    const QString current = last.isEmpty() ? m_window.service().storeLocation() : last;
    auto opener = [this](const QString &location) -> Status {
        if (m_opener) {
            if (Status s = m_opener(location); !s)
                return s;
        } else if (Status s = DomainService::checkStore(location); !s) {
            return s;
        }
        Q_EMIT storeOpened(location);
        return {};
    };
    auto *dialog = new OpenStoreDialog(current, opener, &m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

bool StoreMenu::startLiveUpdates()
{
    if (!m_live)
        m_live = new LiveUpdates(m_window.service(), this);
    const bool ok = m_live->start();
    updateStatus();
    return ok;
}

} // namespace passdeck
