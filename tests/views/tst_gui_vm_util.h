#pragma once
// Helpers shared by the VM and tenant GUI tests (header-only).
#include "views/DeviceEntryDialog.h"
#include "GuiTestUtil.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QSpinBox>
#include <QTableView>

namespace passdeck::test {

// Endpoints of `node` that a test can hand out freely: network endpoints (the demo's VFs) in no
// group, held by no one, not used by the host, alone in their IOMMU group.
inline QStringList freeEndpoints(GuiFixture &fx, const QString &node)
{
    auto all = fx.service().devices(fx.nodeId(node));
    if (!all)
        return {};
    QHash<int, int> perIommuGroup;
    for (const DeviceRecord &d : *all)
        if (!d.isBridge)
            ++perIommuGroup[d.iommuGroup];
    QStringList out;
    for (const DeviceRecord &d : *all) {
        if (d.isBridge || d.groupId != 0 || d.tenantId != 0 || d.vmId != 0 || !d.hostUse.isEmpty() || !d.present
            || d.iommuGroup < 0 || perIommuGroup.value(d.iommuGroup) != 1 || ((d.classId >> 16) & 0xff) != 0x02)
            continue;
        out << d.address;
    }
    return out;
}

// Makes a host resource group of `count` such devices on the first demo node that has them, so
// that a test does not depend on what the demo environment has set up already. *node is the
// node chosen, *other the other demo node.
inline qint64 makeFreeGroup(GuiFixture &fx, const QString &name, int count, QString *node, QString *other,
                            QStringList *addresses, QString *error)
{
    const QStringList nodes{QStringLiteral("node-a"), QStringLiteral("node-b")};
    QStringList picked;
    for (const QString &n : nodes) {
        picked = freeEndpoints(fx, n).mid(0, count);
        if (picked.size() == count) {
            *node = n;
            *other = nodes.at(1 - nodes.indexOf(n));
            break;
        }
    }
    if (picked.size() < count) {
        *error = QStringLiteral("no demo node has %1 free network endpoints").arg(count);
        return 0;
    }
    GroupSpec spec;
    spec.name = name;
    spec.groupClass = GroupClass::Network;
    auto group = fx.service().createGroup(spec);
    if (!group) {
        *error = group.error().message();
        return 0;
    }
    auto change = fx.service().makeResource(group->id, fx.nodeId(*node), picked);
    if (!change) {
        *error = change.error().message();
        return 0;
    }
    if (change->rebootRequired) {
        *error = QStringLiteral("the group needs a reboot");
        return 0;
    }
    *addresses = picked;
    return group->id;
}

// The device entry form a dashboard opened (the newest one).
template<typename Parent>
DeviceEntryDialog *openDialog(Parent *parent)
{
    const auto dialogs = parent->template findChildren<DeviceEntryDialog *>();
    for (DeviceEntryDialog *d : dialogs)
        if (d->isVisible())
            return d;
    return nullptr;
}

// Double-clicks the row of a table whose `column` shows `text`; false when there is none.
inline bool doubleClickRow(QTableView *table, int column, const QString &text)
{
    QAbstractItemModel *m = table->model();
    for (int r = 0; r < m->rowCount(); ++r) {
        const QModelIndex i = m->index(r, column);
        if (i.data().toString() == text) {
            table->scrollTo(i);
            const QRect rect = table->visualRect(i);
            QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
            QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, rect.center());
            return true;
        }
    }
    return false;
}

inline bool selectRow(QTableView *table, int column, const QString &text)
{
    QAbstractItemModel *m = table->model();
    for (int r = 0; r < m->rowCount(); ++r) {
        const QModelIndex i = m->index(r, column);
        if (i.data().toString() == text) {
            QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(i).center());
            return true;
        }
    }
    return false;
}

// Selects the item of a combo box whose data is `id`, as a user picking it would.
inline bool chooseData(QComboBox *combo, qint64 id)
{
    const int row = combo->findData(id);
    if (row < 0)
        return false;
    combo->setCurrentIndex(row);
    return true;
}

inline void typeInto(QLineEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

inline void setCount(QSpinBox *spin, int value)
{
    spin->setFocus();
    spin->selectAll();
    QTest::keyClicks(spin, QString::number(value));
    QTest::keyClick(spin, Qt::Key_Tab);
}

} // namespace passdeck::test
