#pragma once

#include "core/DomainTypes.h"
#include "core/Error.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QStackedWidget;

namespace passdeck {

class DomainService;

// Nodes → Add Node: a Name, then how the node is reached:
//  - a host root on this machine (the directory that stands for / on the node, with Browse…,
//    and whether it is simulated), or
//  - an agent (passdeckd, docs/store.md "Nodes behind an agent"): its address HOST:PORT, its token (from a file
//    chosen with Choose…, or pasted in a masked field) and the fingerprint of its certificate,
//    shown normalized for the administrator to compare with what passdeckd printed and
//    confirmed with a check box.
// The service reaches the node before anything is stored; a refusal (a duplicate name, a
// malformed address, an agent that does not answer or shows another certificate) is shown in
// the form as what failed, why and what to do, and the form keeps what was typed. Open with show().
class AddNodeDialog : public QDialog
{
    Q_OBJECT
public:
    AddNodeDialog(DomainService &service, QWidget *parent);

    QLineEdit *nameEdit() const { return m_name; }
    QRadioButton *rootKind() const { return m_rootKind; }
    QRadioButton *agentKind() const { return m_agentKind; }
    QLineEdit *rootEdit() const { return m_root; }
    QPushButton *browseButton() const { return m_browse; }
    QCheckBox *simulatedCheck() const { return m_simulated; }
    QLineEdit *addressEdit() const { return m_address; }
    QLineEdit *tokenFileEdit() const { return m_tokenFile; }
    QPushButton *tokenBrowseButton() const { return m_tokenBrowse; }
    QLineEdit *tokenEdit() const { return m_token; }
    QLineEdit *fingerprintEdit() const { return m_fingerprint; }
    QLabel *fingerprintShown() const { return m_fingerprintShown; }
    QCheckBox *fingerprintConfirmed() const { return m_confirmed; }
    QLabel *messageLabel() const { return m_message; }
    QPushButton *submitButton() const { return m_submit; }
    bool submit();

Q_SIGNALS:
    void nodeAdded(const passdeck::RefreshReport &report);

private:
    QWidget *buildRootPage();
    QWidget *buildAgentPage();
    void updateSubmit();
    void updateFingerprint();
    void showError(const Error &error);
    // The pasted token, else the token file's content; an Error says why it cannot be read.
    Result<QString> token() const;

    DomainService &m_service;
    QLineEdit *m_name = nullptr;
    QRadioButton *m_rootKind = nullptr;
    QRadioButton *m_agentKind = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLineEdit *m_root = nullptr;
    QPushButton *m_browse = nullptr;
    QCheckBox *m_simulated = nullptr;
    QLineEdit *m_address = nullptr;
    QLineEdit *m_tokenFile = nullptr;
    QPushButton *m_tokenBrowse = nullptr;
    QLineEdit *m_token = nullptr;
    QLineEdit *m_fingerprint = nullptr;
    QLabel *m_fingerprintShown = nullptr;
    QCheckBox *m_confirmed = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_submit = nullptr;
};

} // namespace passdeck
