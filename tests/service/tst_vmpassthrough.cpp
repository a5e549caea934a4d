// The QEMU / libvirt snippets.
#include "service/VmPassthroughSnippets.h"

#include <QTest>

using namespace passdeck;

class TestVmPassthrough : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void snippets()
    {
        const QList<AllocatedDevice> devices{{1, QStringLiteral("node-a"), QStringLiteral("0000:17:00.0"), QStringLiteral("vfio-pci")},
                                             {2, QStringLiteral("node-a"), QStringLiteral("0000:3c:00.1"), QStringLiteral("vfio-pci")}};
        QCOMPARE(VmPassthroughSnippets::qemuArguments(devices),
                 QStringLiteral("-device vfio-pci,host=0000:17:00.0 \\\n-device vfio-pci,host=0000:3c:00.1"));
        const QString xml = VmPassthroughSnippets::libvirtHostdevXml(devices);
        QCOMPARE(xml.count(QStringLiteral("<hostdev mode='subsystem' type='pci' managed='no'>")), 2);
        QVERIFY(xml.contains(QStringLiteral("<address domain='0x0000' bus='0x17' slot='0x00' function='0x0'/>")));
        QVERIFY(xml.contains(QStringLiteral("<address domain='0x0000' bus='0x3c' slot='0x00' function='0x1'/>")));
        QVERIFY(VmPassthroughSnippets::qemuArguments({}).isEmpty());
        QVERIFY(VmPassthroughSnippets::libvirtHostdevXml({}).isEmpty());
    }

    // The availability the device entry form shows is the service's count now (one rule, one
    // place): tests/store/tst_store_units.cpp covers it in passthrough units.
};

QTEST_MAIN(TestVmPassthrough)
#include "tst_vmpassthrough.moc"
