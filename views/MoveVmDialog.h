#pragma once

#include "core/DomainTypes.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QPushButton;

namespace passdeck {

class DomainService;

// VM dashboard → Move to Node…: choose another node for a stopped VM. The service decides (a
// running VM, a tenant without a tenant node there, a Count the new node cannot meet are
// refused); its reason is shown in the form. Open with show().
class MoveVmDialog : public QDialog
{
    Q_OBJECT
public:
    MoveVmDialog(DomainService &service, qint64 vmId, QWidget *parent);

    QComboBox *nodeCombo() const { return m_node; }
    QLabel *noteLabel() const { return m_note; }
    QLabel *messageLabel() const { return m_message; }
    QPushButton *submitButton() const { return m_submit; }
    bool submit();

Q_SIGNALS:
    void moved(const QString &message);

private:
    DomainService &m_service;
    qint64 m_vmId;
    QComboBox *m_node = nullptr;
    QLabel *m_note = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_submit = nullptr;
};

} // namespace passdeck
