// The audit's "who" and what happens when an audit entry cannot be written (the change does not land).
#include "store/AuditLog.h"
#include "StoreFixture.h"

#include <pwd.h>
#include <unistd.h>

using namespace passdeck;
using namespace passdeck::test;

class TstStoreAudit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void userComesFromTheAccountNotTheEnvironment()
    {
        const QByteArray oldUser = qgetenv("USER");
        const QByteArray oldLogname = qgetenv("LOGNAME");
        qputenv("USER", "somebody-else");
        qputenv("LOGNAME", "somebody-else");
        const QString who = AuditLog::osUser();
        qputenv("USER", oldUser);
        qputenv("LOGNAME", oldLogname);
        QVERIFY(!who.contains(QStringLiteral("somebody-else")));
        const passwd *pw = getpwuid(getuid());
        QVERIFY(pw);
        QVERIFY2(who.startsWith(QString::fromLocal8Bit(pw->pw_name)), qPrintable(who));
    }

    void unwritableAuditIsWarned()
    {
        StoreFixture f;
        STORE_SETUP(f, false);
        // A trigger makes every audit insert fail, as a full disk or a broken file would.
        QVERIFY(f.failInserts(QStringLiteral("no_audit"), QStringLiteral("audit_log"), QStringLiteral("audit broken")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("audit entry for group\\.create.*could not be written.*audit broken")));
        auto g = f.service->createGroup(GroupSpec{QStringLiteral("G"), {}, GroupClass::Other});
        // The entry is written in the change's own transaction: no change without its entry.
        QVERIFY(!g);
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM resource_groups")), 0);
    }
};

QTEST_GUILESS_MAIN(TstStoreAudit)
#include "tst_store_audit.moc"
