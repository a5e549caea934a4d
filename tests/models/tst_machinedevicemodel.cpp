// MachineDeviceModel under QAbstractItemModelTester: resets, in-place updates, roles, headers.
#include "models/MachineDeviceModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace passdeck;

namespace {
MachineDevice device(qint64 id, const QString &name, int count, QStringList allocated = {})
{
    MachineDevice m;
    m.id = id;
    m.vmId = 10 + id;
    m.vmName = QStringLiteral("vm-%1").arg(id);
    m.name = name;
    m.groupId = 5;
    m.groupName = QStringLiteral("PCI GPUs");
    m.count = count;
    m.description = QStringLiteral("desc");
    for (const QString &a : allocated)
        m.allocated << AllocatedDevice{1, QStringLiteral("node-a"), a, QStringLiteral("vfio-pci")};
    return m;
}
} // namespace

class TestMachineDeviceModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tester()
    {
        MachineDeviceModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), int(MachineDeviceModel::ColumnCount));
        model.setItems({device(1, QStringLiteral("gpu"), 2), device(2, QStringLiteral("nic"), 1)});
        QCOMPARE(model.rowCount(), 2);
        // Same ids: updated in place, no reset.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setItems({device(1, QStringLiteral("gpu"), 2, {QStringLiteral("0000:17:00.0"), QStringLiteral("0000:3c:00.0")}),
                        device(2, QStringLiteral("nic"), 1)});
        QCOMPARE(reset.size(), 0);
        QCOMPARE(changed.size(), 1);
        // Other ids: the old rows are removed and the new one inserted, no reset (a live
        // refresh keeps the views' selection and scroll position).
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.setItems({device(3, QStringLiteral("other"), 1)});
        QCOMPARE(reset.size(), 0);
        QCOMPARE(removed.size(), 2);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(model.rowCount(), 1);
        model.setItems({});
        QCOMPARE(model.rowCount(), 0);
    }

    void data()
    {
        MachineDeviceModel model;
        model.setItems({device(1, QStringLiteral("gpu"), 2, {QStringLiteral("0000:17:00.0"), QStringLiteral("0000:3c:00.0")}),
                        device(2, QStringLiteral("nic"), 1)});
        auto text = [&](int row, int column) { return model.index(row, column).data().toString(); };
        QCOMPARE(text(0, MachineDeviceModel::NameColumn), QStringLiteral("gpu"));
        QCOMPARE(text(0, MachineDeviceModel::VmColumn), QStringLiteral("vm-1"));
        QCOMPARE(text(0, MachineDeviceModel::TypeColumn), QStringLiteral("PCI"));
        QCOMPARE(text(0, MachineDeviceModel::GroupColumn), QStringLiteral("PCI GPUs"));
        QCOMPARE(text(0, MachineDeviceModel::CountColumn), QStringLiteral("2"));
        QCOMPARE(text(0, MachineDeviceModel::AllocatedColumn), QStringLiteral("0000:17:00.0, 0000:3c:00.0"));
        QVERIFY(text(1, MachineDeviceModel::AllocatedColumn).contains(QStringLiteral("restart")));
        QCOMPARE(model.index(0, 0).data(MachineDeviceModel::MachineDeviceIdRole).toLongLong(), 1);
        QCOMPARE(model.index(0, 0).data(MachineDeviceModel::VmIdRole).toLongLong(), 11);
        QCOMPARE(model.index(0, 0).data(MachineDeviceModel::GroupIdRole).toLongLong(), 5);
        QCOMPARE(model.index(0, 0).data(MachineDeviceModel::AllocatedAddressesRole).toStringList().size(), 2);
        QVERIFY(!model.index(1, MachineDeviceModel::AllocatedColumn).data(Qt::DecorationRole).isNull());
        for (int c = 0; c < MachineDeviceModel::ColumnCount; ++c)
            QVERIFY(!model.headerData(c, Qt::Horizontal).toString().isEmpty());
        QCOMPARE(model.headerData(MachineDeviceModel::GroupColumn, Qt::Horizontal).toString(), QStringLiteral("Resource Group"));
        QVERIFY(!model.index(5, 0).data().isValid());
    }
};

QTEST_MAIN(TestMachineDeviceModel)
#include "tst_machinedevicemodel.moc"
