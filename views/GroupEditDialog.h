#pragma once

#include "core/DomainTypes.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace passdeck {

class Dashboard;
class DomainService;

// Creates or edits a host resource group (Name, Type, Description, Class). Non-modal: the entry
// points show it and return it, so tests drive it without a nested event loop. Errors from the
// service are shown inline; the dialog stays open until a save succeeds.
class GroupEditDialog : public QDialog
{
    Q_OBJECT
public:
    static GroupEditDialog *createGroup(DomainService &service, Dashboard *parent);
    static GroupEditDialog *editGroup(DomainService &service, const ResourceGroup &group, Dashboard *parent);

    QLineEdit *nameEdit() const { return m_name; }
    QComboBox *classCombo() const { return m_class; }
    QPlainTextEdit *descriptionEdit() const { return m_description; }
    QLabel *errorLabel() const { return m_error; }

    void accept() override;

Q_SIGNALS:
    void saved(const passdeck::ResourceGroup &group);

private:
    GroupEditDialog(DomainService &service, qint64 groupId, Dashboard *parent);
    void validate();

    DomainService &m_service;
    Dashboard *m_dashboard = nullptr;
    qint64 m_groupId = 0;
    QString m_originalName;
    QStringList m_takenNames;
    bool m_edited = false;   // the name was typed in (validation messages show from then on)
    QLineEdit *m_name = nullptr;
    QComboBox *m_type = nullptr;
    QPlainTextEdit *m_description = nullptr;
    QComboBox *m_class = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace passdeck
