#include "views/OpenStoreDialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace passdeck {

// Settings are named explicitly (~/.config/passdeck/passdeck.conf): the application sets no
// organisation, which would move the default store (<AppDataLocation>/passdeck.db).

OpenStoreDialog::OpenStoreDialog(const QString &current, Opener opener, QWidget *parent)
    : QDialog(parent), m_opener(std::move(opener))
{
    setObjectName(QStringLiteral("openStoreDialog"));
    setWindowTitle(tr("Open Store"));
    setAccessibleName(tr("Open Store"));
    auto *layout = new QVBoxLayout(this);

    auto *intro = new QLabel(tr("An SQLite file, or a PostgreSQL database shared by several administrators:\n"
                                "postgresql://USER@HOST:PORT/DBNAME, or postgresql://USER@/DBNAME?host=/socket/dir.\n"
                                "The password is read from ~/.pgpass or the file PGPASSFILE names, never typed here."),
                             this);
    intro->setObjectName(QStringLiteral("openStoreIntro"));
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *row = new QHBoxLayout;
    auto *label = new QLabel(tr("&Store:"), this);
    m_location = new QLineEdit(this);
    m_location->setObjectName(QStringLiteral("storeLocation"));
    m_location->setAccessibleName(tr("Store file or PostgreSQL URI"));
    m_location->setPlaceholderText(tr("/path/to/passdeck.db or postgresql://USER@HOST:PORT/DBNAME"));
    m_location->setText(current);
    m_location->setMinimumWidth(460);
    label->setBuddy(m_location);
    m_browse = new QPushButton(tr("&Browse…"), this);
    m_browse->setObjectName(QStringLiteral("storeBrowse"));
    m_browse->setAccessibleName(tr("Browse for a store file"));
    row->addWidget(label);
    row->addWidget(m_location, 1);
    row->addWidget(m_browse);
    layout->addLayout(row);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("openStoreError"));
    m_error->setAccessibleName(tr("Why the store did not open"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::RichText);
    m_error->setVisible(false);
    layout->addWidget(m_error);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("openStoreButtons"));
    m_open = buttons->addButton(tr("&Open"), QDialogButtonBox::AcceptRole);
    m_open->setObjectName(QStringLiteral("openStoreOpen"));
    m_open->setAccessibleName(tr("Open"));
    m_open->setDefault(true);
    layout->addWidget(buttons);

    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Store file"), m_location->text(), tr("Passdeck stores (*.db);;All files (*)"),
                                                          nullptr, QFileDialog::DontConfirmOverwrite);
        if (!file.isEmpty())
            m_location->setText(file);
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &OpenStoreDialog::tryOpen);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString OpenStoreDialog::lastStore()
{
    QSettings settings(QStringLiteral("passdeck"), QStringLiteral("passdeck"));
    return settings.value(lastStoreKey()).toString();
}

void OpenStoreDialog::tryOpen()
{
    const QString location = m_location->text().trimmed();
    Status s = location.isEmpty()
        ? Status(Error::make(ErrorCode::BadUsage, tr("Opening a store"), tr("no file or URI was given"),
                             tr("Type the path of a store file (a new file becomes a new store) or a postgresql:// URI.")))
        : m_opener(location);
    if (!s) {
        const Error &e = s.error();
        m_error->setText(QStringLiteral("<b>%1</b>: %2<br>%3").arg(e.what.toHtmlEscaped(), e.why.toHtmlEscaped(), e.hint.toHtmlEscaped()));
        m_error->setVisible(true);
        return;
    }
    {
        QSettings settings(QStringLiteral("passdeck"), QStringLiteral("passdeck"));
        settings.setValue(lastStoreKey(), location);
    }
    m_error->setVisible(false);
    accept();
}

} // namespace passdeck
