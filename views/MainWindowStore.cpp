// MainWindow's store part: File → Open Store…, the status bar naming the open store, and the
// live updates of other administrators' changes (docs/store.md, "Team store").
#include "views/MainWindow.h"

#include "views/OpenStoreDialog.h"
#include "service/DomainService.h"
#include "service/LiveUpdates.h"
#include "store/Store.h"

#include <QAction>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>

namespace passdeck {

void MainWindow::buildStoreMenu()
{
    auto *file = new QMenu(tr("&File"), this);
    file->setObjectName(QStringLiteral("menuFile"));
    QAction *open = file->addAction(tr("&Open Store…"));
    open->setObjectName(QStringLiteral("actionOpenStore"));
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, &MainWindow::openStoreDialog);
    menuBar()->insertMenu(menuBar()->actions().value(0), file);

    m_storeStatus = new QLabel(this);
    m_storeStatus->setObjectName(QStringLiteral("storeStatus"));
    m_storeStatus->setAccessibleName(tr("Open store"));
    m_storeStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->setObjectName(QStringLiteral("statusBar"));
    statusBar()->addPermanentWidget(m_storeStatus, 1);
    updateStoreStatus();
}

void MainWindow::updateStoreStatus()
{
    const Store &store = m_service.store();
    const QString kind = store.isPostgres() ? tr("PostgreSQL") : tr("SQLite");
    QString text = tr("Store: %1 (%2)").arg(store.path(), kind);
    if (m_live)
        text += m_live->watcher()->isListening() ? tr(" · live updates") : tr(" · no live updates: %1").arg(m_live->error());
    m_storeStatus->setText(text);
    m_storeStatus->setToolTip(text);
}

void MainWindow::openStoreDialog()
{
    const QString current = OpenStoreDialog::lastStore().isEmpty() ? m_service.store().path() : OpenStoreDialog::lastStore();
    auto opener = [this](const QString &location) -> Status {
        if (m_storeOpener) {
            if (Status s = m_storeOpener(location); !s)
                return s;
        } else if (auto store = Store::open(location); !store) {
            return store.error();
        }
        Q_EMIT storeOpened(location);
        return {};
    };
    auto *dialog = new OpenStoreDialog(current, opener, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

bool MainWindow::startLiveUpdates()
{
    if (!m_live)
        m_live = new LiveUpdates(m_service, this);
    const bool ok = m_live->start();
    updateStoreStatus();
    return ok;
}

} // namespace passdeck
