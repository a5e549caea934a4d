#include "views/GroupChoicePage.h"

#include "service/DomainService.h"
#include "service/PassthroughUnits.h"
#include "models/GroupClassNames.h"
#include "models/Icons.h"
#include "views/MakeResourceWizard.h"

#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace passdeck {

GroupChoicePage::GroupChoicePage(QWidget *parent) : QWizardPage(parent)
{
    setObjectName(QStringLiteral("groupChoicePage"));
    setTitle(tr("Choose a resource group"));
    setSubTitle(tr("Resource rules put the devices in the group; VMs and tenants draw from it."));
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("groupChoiceList"));
    m_list->setAccessibleName(tr("Resource groups"));
    m_list->setIconSize(QSize(24, 24));
    m_list->setSpacing(2);
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(this);
    intro->setObjectName(QStringLiteral("groupChoiceIntro"));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addWidget(m_list, 1);
    registerField(QStringLiteral("existingGroupId"), this, "chosenGroupId", SIGNAL(chosenChanged()));
    connect(m_list, &QListWidget::currentRowChanged, this, [this] {
        Q_EMIT chosenChanged();
        Q_EMIT completeChanged();
    });
    connect(m_list, &QListWidget::itemDoubleClicked, this, [this] {
        if (wizard())
            wizard()->next();
    });
}

void GroupChoicePage::initializePage()
{
    auto *w = static_cast<MakeResourceWizard *>(wizard());
    const int n = int(w->selection().size());
    QStringList addresses;
    for (const DeviceRecord &d : w->selection())
        addresses << d.address;
    if (addresses.size() > 6)
        addresses = addresses.mid(0, 6) << tr("…");
    findChild<QLabel *>(QStringLiteral("groupChoiceIntro"))
        ->setText(tr("Put %n selected device(s) (%1) into an existing PCI resource group, or create a new group.",
                     nullptr, n).arg(addresses.join(QStringLiteral(", "))));
    const qint64 previous = chosenGroupId();
    m_list->clear();
    auto *add = new QListWidgetItem(Icons::resources(), tr("New group…"), m_list);
    add->setData(Qt::UserRole, qint64(-1));
    QFont f = add->font();
    f.setBold(true);
    add->setFont(f);
    if (auto groups = w->service().groups(GroupOwner::Host)) {
        for (const ResourceGroup &g : *groups) {
            auto *item = new QListWidgetItem(Icons::groupClass(g.groupClass),
                                             tr("%1 — %2, %3")
                                                 .arg(g.name, GroupClassNames::display(g.groupClass),
                                                      PassthroughUnits::describe(g.total, g.functions, g.groupClass)),
                                             m_list);
            item->setData(Qt::UserRole, g.id);
            item->setData(Qt::UserRole + 1, g.name);
            item->setToolTip(g.description);
        }
    }
    if (!choose(previous))
        m_list->setCurrentRow(m_list->count() > 1 ? 1 : 0);
}

bool GroupChoicePage::choose(qint64 groupId)
{
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->data(Qt::UserRole).toLongLong() == groupId) {
            m_list->setCurrentRow(i);
            return true;
        }
    }
    return false;
}

bool GroupChoicePage::isComplete() const
{
    return m_list->currentItem() != nullptr;
}

int GroupChoicePage::nextId() const
{
    return chosenGroupId() < 0 ? MakeResourceWizard::DetailsPage : MakeResourceWizard::CheckPage;
}

qint64 GroupChoicePage::chosenGroupId() const
{
    QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toLongLong() : -1;
}

QString GroupChoicePage::chosenGroupName() const
{
    QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole + 1).toString() : QString();
}

} // namespace passdeck
