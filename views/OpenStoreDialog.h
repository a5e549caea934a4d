#pragma once

#include "core/Error.h"

#include <QDialog>

#include <functional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace passdeck {

// File → Open Store…: one field for where the store is — an SQLite file (Browse… picks one) or
// postgresql://USER@HOST:PORT/DBNAME (or postgresql://USER@/DBNAME?host=/socket/dir; the
// password comes from ~/.pgpass or PGPASSFILE, never from this field). Open runs `opener`;
// a refusal is shown in the dialog as what failed, why and what to do, and the dialog stays
// open with what was typed. Starts with the last store opened (QSettings, lastStoreKey).
class OpenStoreDialog : public QDialog
{
    Q_OBJECT
public:
    using Opener = std::function<Status(const QString &location)>;
    OpenStoreDialog(const QString &current, Opener opener, QWidget *parent);

    QLineEdit *locationEdit() const { return m_location; }
    QPushButton *openButton() const { return m_open; }
    QLabel *errorLabel() const { return m_error; }

    // Where the last successfully opened store is remembered (QSettings).
    static QString lastStoreKey() { return QStringLiteral("store/location"); }
    static QString lastStore();

private:
    void tryOpen();

    Opener m_opener;
    QLineEdit *m_location = nullptr;
    QPushButton *m_browse = nullptr;
    QPushButton *m_open = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace passdeck
