// RootedFile, the one helper every file under a host root is opened through: links resolve
// inside the root, NoSymlinks refuses any, reads refuse non-regular files without blocking and
// stop at a cap (EFBIG, never a cut value).
#include "node/host/RootedFile.h"
#include "tst_failclosed_util.h"

#include <QTest>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

using namespace passdeck;
using namespace failclosed;

class TestRootedFile : public QObject
{
    Q_OBJECT

    QTemporaryDir m_root;
    QTemporaryDir m_outside;
    int m_cases = 0;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_root.isValid() && m_outside.isValid());
        QVERIFY(writeText(m_outside.filePath(QStringLiteral("victim")), "outside\n"));
        QVERIFY(writeText(m_root.filePath(QStringLiteral("sys/attr")), "inside\n"));
        QVERIFY(QFile::link(m_outside.filePath(QStringLiteral("victim")), m_root.filePath(QStringLiteral("sys/abs"))));
        QVERIFY(QFile::link(upAndOver(m_root.filePath(QStringLiteral("sys")), m_outside.filePath(QStringLiteral("victim"))),
                            m_root.filePath(QStringLiteral("sys/up"))));
        QVERIFY(QFile::link(QStringLiteral("attr"), m_root.filePath(QStringLiteral("sys/same"))));
        QVERIFY(QFile::link(QStringLiteral("/sys"), m_root.filePath(QStringLiteral("etc"))));
        QVERIFY(replaceWithFifo(m_root.filePath(QStringLiteral("sys/fifo"))));
    }

    void cleanupTestCase() { qInfo("RootedFile: %d cases", m_cases); }

    void linksResolveInsideTheRoot()
    {
        QByteArray out;
        const QString root = m_root.path();
        QCOMPARE(RootedFile::read(root, QStringLiteral("sys/attr"), 64, &out), 0);
        QCOMPARE(out, QByteArray("inside\n"));
        QCOMPARE(RootedFile::read(root, QStringLiteral("sys/same"), 64, &out), 0); // a link inside: fine
        // Links out of the root resolve inside it, where nothing is.
        QCOMPARE(RootedFile::read(root, QStringLiteral("sys/abs"), 64, &out), ENOENT);
        QCOMPARE(RootedFile::read(root, QStringLiteral("sys/up"), 64, &out), ENOENT);
        QCOMPARE(RootedFile::read(root, QStringLiteral("etc/kernel/uevent_seqnum"), 64, &out), ENOENT);
        // Writing through them creates nothing outside.
        for (const char *rel : {"sys/abs", "sys/up", "etc/created"}) {
            const int fd = RootedFile::open(root, QLatin1String(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                QVERIFY(::write(fd, "x", 1) == 1);
                ::close(fd);
            }
            ++m_cases;
        }
        QFile victim(m_outside.filePath(QStringLiteral("victim")));
        QVERIFY(victim.open(QIODevice::ReadOnly));
        QCOMPARE(victim.readAll(), QByteArray("outside\n"));
        QVERIFY(!QFileInfo::exists(QStringLiteral("/sys/created")));
        m_cases += 5;
    }

    void noSymlinksAndBadPaths()
    {
        QByteArray out;
        const QString root = m_root.path();
        QCOMPARE(RootedFile::read(root, QStringLiteral("sys/same"), 64, &out, RootedFile::NoSymlinks), ELOOP);
        QCOMPARE(RootedFile::read(root, QStringLiteral("etc/x"), 64, &out, RootedFile::NoSymlinks), ELOOP);
        for (const char *bad : {"", "/sys/attr", "../x", "sys/../sys/attr", "sys//attr", "./sys/attr", "sys/."})
            QCOMPARE(RootedFile::read(root, QLatin1String(bad), 64, &out), EINVAL);
        QCOMPARE(RootedFile::read(QString(), QStringLiteral("sys/attr"), 64, &out), EINVAL);
        m_cases += 10;
    }

    void fifosAndCaps()
    {
        QByteArray out;
        const QString root = m_root.path();
        QCOMPARE(RootedFile::read(root, QStringLiteral("sys/fifo"), 64, &out), RootedFile::notRegularErrno());
        QVERIFY(RootedFile::describe(RootedFile::notRegularErrno()).contains(QLatin1String("not a regular file")));
        QCOMPARE(RootedFile::read(root, QStringLiteral("sys/attr"), 6, &out), EFBIG);
        QVERIFY(out.isEmpty());
        QCOMPARE(RootedFile::read(root, QStringLiteral("sys/attr"), 7, &out), 0);
        QCOMPARE(out, QByteArray("inside\n"));
        QCOMPARE(RootedFile::readPath(m_root.filePath(QStringLiteral("sys/fifo")), 64, &out), RootedFile::notRegularErrno());
        // A FIFO opened for writing without a reader fails at once.
        const int fd = RootedFile::open(root, QStringLiteral("sys/fifo"), O_WRONLY | O_NONBLOCK);
        QCOMPARE(fd, -ENXIO);
        m_cases += 6;
    }
};

QTEST_GUILESS_MAIN(TestRootedFile)
#include "tst_rootedfile.moc"
