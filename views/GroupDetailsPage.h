#pragma once

#include <QWizardPage>

class QComboBox;
class QLabel;
class QLineEdit;

namespace passdeck {

// New group…: Name (required, unique among host groups; validated as you type), Type (PCI),
// Description (optional), Class (chooses the icon).
class GroupDetailsPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit GroupDetailsPage(QWidget *parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;
    int nextId() const override;

    QLineEdit *nameEdit() const { return m_name; }
    QComboBox *classCombo() const { return m_class; }
    QLineEdit *descriptionEdit() const { return m_description; }
    QLabel *validationLabel() const { return m_validation; }
    // The sentence under the Name box; empty when the name is fine.
    QString validationMessage() const;

private:
    void showValidation(const QString &message);

    QLineEdit *m_name = nullptr;
    QComboBox *m_type = nullptr;
    QLineEdit *m_description = nullptr;
    QComboBox *m_class = nullptr;
    QLabel *m_validation = nullptr;
    QStringList m_taken;
};

} // namespace passdeck
