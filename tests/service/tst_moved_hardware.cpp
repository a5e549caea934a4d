// Hardware that moved: a node renumbered by an added card (tests/support/MovedTrees.h); the
// service offers the rules whose card it recognises at a new address, and moves them only when
// the administrator confirms.
#include "MovedTrees.h"
#include "StoreFixture.h"

#include <QTest>

using namespace passdeck;
using namespace passdeck::test;

class TestMovedHardware : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_root;
    std::unique_ptr<DomainService> m_service;
    qint64 m_node = 0;
    qint64 m_group = 0;

    QVariant scalar(const QString &sql, const QVariantList &values = {}) const
    {
        auto v = StoreQuery::scalar(m_service->store().connection(), sql, values, QStringLiteral("test"));
        return v ? *v : QVariant();
    }
    QString ruleAddress(int vendor, int device) const
    {
        return scalar(QStringLiteral("SELECT address FROM resource_rules WHERE vendor_id = ? AND pci_device_id = ?"), {vendor, device}).toString();
    }
    QString storeLocation(const QString &name)
    {
        return testStoreLocation(m_dir, name);
    }

    // A store with node "moved" (the tree before), and a group with the GPU, the NIC, the FPGA
    // and the audio function as resources.
    void setUpBefore(const QString &store)
    {
        Error e;
        m_root = buildSimRoot(m_dir, movedTreeBefore(), QStringLiteral("root-") + store, &e);
        QVERIFY2(!m_root.isEmpty(), qPrintable(e.message()));
        auto s = DomainService::open(storeLocation(store), testOptions());
        QVERIFY2(s, s ? "" : qPrintable(s.error().message()));
        m_service = std::move(s).value();
        auto n = m_service->addNode(QStringLiteral("moved"), m_root, true);
        QVERIFY2(n, n ? "" : qPrintable(n.error().message()));
        m_node = n->node.id;
        auto g = m_service->createGroup(GroupSpec{QStringLiteral("G"), {}, GroupClass::Other});
        QVERIFY(g);
        m_group = g->id;
        auto r = m_service->makeResource(m_group, m_node, {QStringLiteral("0000:01:00.0"), QStringLiteral("0000:02:00.0"),
                                                           QStringLiteral("0000:05:00.0"), QStringLiteral("0000:06:00.0")});
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
        // Slot and serial are recorded with the devices.
        QCOMPARE(scalar(QStringLiteral("SELECT physical_slot FROM devices WHERE address = '0000:01:00.0'")).toString(), QStringLiteral("1"));
        QCOMPARE(scalar(QStringLiteral("SELECT serial_number FROM devices WHERE address = '0000:02:00.0'")).toString(), kMovedSerial);
        auto unchanged = m_service->refreshNode(m_node);
        QVERIFY(unchanged);
        QCOMPARE(m_service->movedHardware(m_node)->size(), 0);
    }

    void renumber()
    {
        SimHostBuilder::Options force;
        force.force = true;
        QVERIFY(SimHostBuilder::build(movedTreeAfter(), m_root, force));
        auto r = m_service->refreshNode(m_node);
        QVERIFY2(r, r ? "" : qPrintable(r.error().message()));
    }

private Q_SLOTS:
    void offersSlotAndSerialMatchesOnly()
    {
        setUpBefore(QStringLiteral("offers.db"));
        if (QTest::currentTestFailed())
            return;
        renumber();
        if (QTest::currentTestFailed())
            return;
        auto offers = m_service->movedHardware(m_node);
        QVERIFY(offers);
        QCOMPARE(offers->size(), 2);
        const MovedOffer gpu = offers->at(0), nic = offers->at(1); // ordered by old address
        QCOMPARE(gpu.oldAddress, QStringLiteral("0000:01:00.0"));
        QCOMPARE(gpu.newAddress, QStringLiteral("0000:02:00.0"));
        QCOMPARE(gpu.matchedBy, QStringLiteral("slot"));
        QCOMPARE(gpu.slot, QStringLiteral("1"));
        QCOMPARE(gpu.groupName, QStringLiteral("G"));
        QCOMPARE(nic.oldAddress, QStringLiteral("0000:02:00.0"));
        QCOMPARE(nic.newAddress, QStringLiteral("0000:03:00.0"));
        QCOMPARE(nic.matchedBy, QStringLiteral("serial"));
        QCOMPARE(nic.serialNumber, kMovedSerial);
        // The FPGA's slot holds another card (ids differ) and the audio function has neither slot
        // nor serial: neither is offered. And nothing moved.
        QCOMPARE(ruleAddress(0x10de, 0x2230), QStringLiteral("0000:01:00.0"));
        QCOMPARE(ruleAddress(0x8086, 0x1521), QStringLiteral("0000:02:00.0"));
        QCOMPARE(ruleAddress(0x1172, 0xe001), QStringLiteral("0000:05:00.0"));
        QCOMPARE(ruleAddress(0x8086, 0xabcd), QStringLiteral("0000:06:00.0"));
        // A second refresh offers the same, once.
        QVERIFY(m_service->refreshNode(m_node));
        QCOMPARE(m_service->movedHardware(m_node)->size(), 2);
        QCOMPARE(m_service->movedHardware(0)->size(), 2);
    }

    void confirmMovesTheRuleAndWhatHangsOnIt()
    {
        setUpBefore(QStringLiteral("confirm.db"));
        if (QTest::currentTestFailed())
            return;
        const qint64 gpuRecord = scalar(QStringLiteral("SELECT device_id FROM resource_rules WHERE vendor_id = 4318")).toLongLong();
        renumber();
        if (QTest::currentTestFailed())
            return;
        // The GPU's new address still carries the NIC's rule: that one moves first.
        auto early = m_service->confirmMove(m_node, QStringLiteral("0000:01:00.0"), QStringLiteral("0000:02:00.0"));
        QVERIFY(!early);
        QCOMPARE(early.error().code, ErrorCode::InUse);
        QVERIFY2(early.error().hint.contains(QStringLiteral("first")), qPrintable(early.error().hint));
        QCOMPARE(ruleAddress(0x10de, 0x2230), QStringLiteral("0000:01:00.0"));
        QCOMPARE(scalar(QStringLiteral("SELECT result FROM audit_log ORDER BY id DESC LIMIT 1")).toString(), QStringLiteral("refused"));

        auto nic = m_service->confirmMove(m_node, QStringLiteral("0000:02:00.0"), QStringLiteral("0000:03:00.0"));
        QVERIFY2(nic, nic ? "" : qPrintable(nic.error().message()));
        QCOMPARE(ruleAddress(0x8086, 0x1521), QStringLiteral("0000:03:00.0"));
        auto gpu = m_service->confirmMove(m_node, QStringLiteral("0000:01:00.0"), QStringLiteral("0000:02:00.0"));
        QVERIFY2(gpu, gpu ? "" : qPrintable(gpu.error().message()));
        QCOMPARE(ruleAddress(0x10de, 0x2230), QStringLiteral("0000:02:00.0"));
        // The same device record moved (holds and allocations reference it), now present.
        QCOMPARE(scalar(QStringLiteral("SELECT address FROM devices WHERE id = ?"), {gpuRecord}).toString(), QStringLiteral("0000:02:00.0"));
        QCOMPARE(scalar(QStringLiteral("SELECT present + 2 * ids_changed FROM devices WHERE id = ?"), {gpuRecord}).toInt(), 1);
        QCOMPARE(scalar(QStringLiteral("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")).toString(), QStringLiteral("resource.move"));
        QCOMPARE(m_service->movedHardware(m_node)->size(), 0);

        // A refresh now shows the new card at 01:00.0 and offers nothing more.
        QVERIFY(m_service->refreshNode(m_node));
        QCOMPARE(m_service->movedHardware(m_node)->size(), 0);
        QCOMPARE(scalar(QStringLiteral("SELECT vendor_id FROM devices WHERE address = '0000:01:00.0'")).toInt(), 0x1d0f);
        QCOMPARE(scalar(QStringLiteral("SELECT ids_changed FROM devices WHERE address = '0000:02:00.0'")).toInt(), 0);
        auto records = m_service->groupDevices(m_group);
        QVERIFY(records);
        QStringList addresses;
        for (const DeviceRecord &d : *records)
            addresses << d.address;
        addresses.sort();
        QCOMPARE(addresses, (QStringList{QStringLiteral("0000:02:00.0"), QStringLiteral("0000:03:00.0"),
                                         QStringLiteral("0000:05:00.0"), QStringLiteral("0000:06:00.0")}));
        // Confirming again: nothing is offered any more.
        auto again = m_service->confirmMove(m_node, QStringLiteral("0000:01:00.0"), QStringLiteral("0000:02:00.0"));
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::NotFound);
    }

    void dismissedIsNotOfferedAgain()
    {
        setUpBefore(QStringLiteral("dismiss.db"));
        if (QTest::currentTestFailed())
            return;
        renumber();
        if (QTest::currentTestFailed())
            return;
        auto d = m_service->dismissMove(m_node, QStringLiteral("0000:02:00.0"), QStringLiteral("0000:03:00.0"));
        QVERIFY2(d, d ? "" : qPrintable(d.error().message()));
        QCOMPARE(ruleAddress(0x8086, 0x1521), QStringLiteral("0000:02:00.0"));
        QVERIFY(m_service->refreshNode(m_node));
        auto pending = m_service->movedHardware(m_node);
        QCOMPARE(pending->size(), 1);
        QCOMPARE(pending->first().oldAddress, QStringLiteral("0000:01:00.0"));
        auto all = m_service->movedHardware(m_node, true);
        QCOMPARE(all->size(), 2);
        QVERIFY(all->at(1).dismissed);
        QVERIFY(!m_service->confirmMove(m_node, QStringLiteral("0000:02:00.0"), QStringLiteral("0000:03:00.0")));
        // Back as it was: the cards are where the rules say, and the offers go.
        SimHostBuilder::Options force;
        force.force = true;
        QVERIFY(SimHostBuilder::build(movedTreeBefore(), m_root, force));
        QVERIFY(m_service->refreshNode(m_node));
        QCOMPARE(m_service->movedHardware(m_node, true)->size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestMovedHardware)
#include "tst_moved_hardware.moc"
