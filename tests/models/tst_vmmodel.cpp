// VmModel's Devices column with the requested PCI device counts (the machine devices' Counts).
#include "models/VmModel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace passdeck;

class TestVmModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void requestedDevices()
    {
        VmModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Vm a;
        a.id = 1;
        a.name = QStringLiteral("render-01");
        a.machineDeviceCount = 1;     // one machine device with Count 2
        a.allocatedDeviceCount = 2;
        Vm b;
        b.id = 2;
        b.name = QStringLiteral("web-01");
        model.setRequestedDevices({{1, 2}});
        model.setItems({a, b});
        QCOMPARE(model.index(0, VmModel::DevicesColumn).data().toString(), QStringLiteral("2 allocated / 2 requested"));
        QCOMPARE(model.index(1, VmModel::DevicesColumn).data().toString(), QStringLiteral("0 allocated / 0 requested"));
        // Without the counts: the number of machine devices, as before.
        model.setRequestedDevices({});
        model.setItems({a, b});
        QCOMPARE(model.index(0, VmModel::DevicesColumn).data().toString(), QStringLiteral("2 allocated / 1 requested"));
    }
};

QTEST_MAIN(TestVmModel)
#include "tst_vmmodel.moc"
