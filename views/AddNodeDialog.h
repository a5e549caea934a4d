#pragma once

#include "core/DomainTypes.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace passdeck {

class DomainService;

// Nodes → Add Node: Name, Host root (the directory that stands for / on the node, with Browse…)
// and whether it is simulated. The service reads its PCI devices; a refusal (a duplicate name,
// a missing directory) is shown in the form, which keeps what was typed. Open with show().
class AddNodeDialog : public QDialog
{
    Q_OBJECT
public:
    AddNodeDialog(DomainService &service, QWidget *parent);

    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *rootEdit() const { return m_root; }
    QPushButton *browseButton() const { return m_browse; }
    QCheckBox *simulatedCheck() const { return m_simulated; }
    QLabel *messageLabel() const { return m_message; }
    QPushButton *submitButton() const { return m_submit; }
    bool submit();

Q_SIGNALS:
    void nodeAdded(const passdeck::RefreshReport &report);

private:
    void updateSubmit();

    DomainService &m_service;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_root = nullptr;
    QPushButton *m_browse = nullptr;
    QCheckBox *m_simulated = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_submit = nullptr;
};

} // namespace passdeck
