#pragma once

#include <QWizardPage>

class QListWidget;

namespace passdeck {

// Step 1 of Make Resource: an existing host PCI resource group, or "New group…".
class GroupChoicePage : public QWizardPage
{
    Q_OBJECT
    Q_PROPERTY(qint64 chosenGroupId READ chosenGroupId NOTIFY chosenChanged)
public:
    explicit GroupChoicePage(QWidget *parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;
    int nextId() const override;

    qint64 chosenGroupId() const;   // -1: new group
    QString chosenGroupName() const;
    QListWidget *groupList() const { return m_list; }
    // Selects the row of that group (-1: New group…); false when there is none.
    bool choose(qint64 groupId);

Q_SIGNALS:
    void chosenChanged();

private:
    QListWidget *m_list = nullptr;
};

} // namespace passdeck
