// SimKernel: fault injection and the simulated reboot (the write semantics are in SimKernel.cpp).
#include "sim/SimKernel.h"

#include "core/PciAddress.h"
#include "node/host/PersistentConfig.h"
#include "node/host/RootedFile.h"
#include "sim/SimHostBuilder.h"
#include "sim/SimHostLayout.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QThread>

#include <cstdio>
#include <unistd.h>

namespace passdeck {

namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("SimKernel", s);
}

const QString kFaultFile = QStringLiteral(".passdeck-sim/faults.json");

// '*' matches anything (slashes too), '?' one character; no wildcard: the exact path.
bool wildcardMatch(const QString &pattern, const QString &path)
{
    QString p = pattern;
    while (p.startsWith(u'/'))
        p.remove(0, 1);
    if (!p.contains(u'*') && !p.contains(u'?'))
        return p == path;
    QString re;
    for (QChar c : std::as_const(p))
        re += c == u'*' ? QStringLiteral(".*") : c == u'?' ? QStringLiteral(".") : QRegularExpression::escape(QString(c));
    return QRegularExpression(QRegularExpression::anchoredPattern(re)).match(path).hasMatch();
}
} // namespace

void SimKernel::failNextWrite(const QString &pattern, int errnum, int count)
{
    m_faults.append({pattern, errnum, count});
}

void SimKernel::loadFaultFile(QList<Fault> *faults, int *delay) const
{
    faults->clear();
    *delay = 0;
    if (!m_layout->exists(kFaultFile))
        return;
    const QJsonObject o = QJsonDocument::fromJson(m_layout->readFile(kFaultFile)).object();
    *delay = o.value(QLatin1String("delay_ms")).toInt(0);
    for (const QJsonValue &v : o.value(QLatin1String("faults")).toArray()) {
        const QJsonObject f = v.toObject();
        faults->append({f.value(QLatin1String("pattern")).toString(), f.value(QLatin1String("errno")).toInt(),
                        f.value(QLatin1String("count")).toInt(1)});
    }
}

Status SimKernel::saveFaultFile(const QList<Fault> &faults, int delay) const
{
    if (faults.isEmpty() && delay <= 0) {
        m_layout->remove(kFaultFile);
        return {};
    }
    QJsonArray arr;
    for (const Fault &f : faults)
        arr.append(QJsonObject{{QStringLiteral("pattern"), f.pattern}, {QStringLiteral("errno"), f.errnum},
                               {QStringLiteral("count"), f.count}});
    const QByteArray bytes = QJsonDocument(QJsonObject{{QStringLiteral("faults"), arr}, {QStringLiteral("delay_ms"), delay}})
                                 .toJson(QJsonDocument::Indented);
    const QString tmp = kFaultFile + QLatin1String(".tmp");
    if (!m_layout->writeFile(tmp, bytes) || !m_layout->rename(tmp, kFaultFile))
        return Error::make(ErrorCode::SimFaultFile, tr("Cannot write %1").arg(m_root.path(kFaultFile)),
                           QString::fromLocal8Bit(strerror(errno)), tr("Check that the simulated root is writable."));
    return {};
}

Status SimKernel::validateFault(const QString &pattern, int errnum, int count)
{
    const QString what = tr("Injecting a fault for \"%1\"").arg(pattern.left(64));
    if (errnum < 1 || errnum > kMaxErrno)
        return Error::make(ErrorCode::BadFault, what,
                           tr("%1 is not an errno a write can fail with (1 to %2)").arg(errnum).arg(kMaxErrno),
                           tr("Use a number such as 16 or a name such as EBUSY."));
    if (count < 1)
        return Error::make(ErrorCode::BadFault, what, tr("the count must be 1 or more"), {});
    // The same shape as the paths it matches: relative to the host root, no "." or "..".
    QString p = pattern;
    while (p.startsWith(u'/'))
        p.remove(0, 1);
    bool clean = !p.isEmpty() && p.size() <= 4096;
    for (const QString &part : p.split(u'/'))
        clean = clean && !part.isEmpty() && part != QLatin1String(".") && part != QLatin1String("..");
    for (QChar c : std::as_const(p))
        clean = clean && c.unicode() >= 0x20 && c.unicode() != 0x7f;
    if (!clean)
        return Error::make(ErrorCode::BadFault, what,
                           tr("a pattern is a path below the host root, such as sys/bus/pci/drivers/*/bind: no \".\" or "
                              "\"..\" components, no empty ones, no control characters"),
                           tr("Write the path relative to the host root, with * for any part."));
    return {};
}

Status SimKernel::injectFault(const QString &pattern, int errnum, int count)
{
    if (Status st = validateFault(pattern, errnum, count); !st)
        return st;
    QList<Fault> faults;
    int delay = 0;
    loadFaultFile(&faults, &delay);
    faults.append({pattern, errnum, count});
    return saveFaultFile(faults, delay);
}

Status SimKernel::setWriteDelay(int milliseconds)
{
    QList<Fault> faults;
    int delay = 0;
    loadFaultFile(&faults, &delay);
    return saveFaultFile(faults, milliseconds);
}

Status SimKernel::clearFaults()
{
    m_faults.clear();
    return saveFaultFile({}, 0);
}

int SimKernel::takeFault(const QString &path)
{
    for (qsizetype i = 0; i < m_faults.size(); ++i) {
        if (!wildcardMatch(m_faults[i].pattern, path))
            continue;
        const int err = m_faults[i].errnum;
        if (--m_faults[i].count <= 0)
            m_faults.removeAt(i);
        return err;
    }
    if (!m_layout->exists(kFaultFile)) // one lstat per write when nothing is injected
        return 0;
    QList<Fault> faults;
    int delay = 0;
    loadFaultFile(&faults, &delay);
    if (delay > 0)
        QThread::msleep(ulong(delay));
    for (qsizetype i = 0; i < faults.size(); ++i) {
        if (!wildcardMatch(faults[i].pattern, path))
            continue;
        const int err = faults[i].errnum;
        if (--faults[i].count <= 0)
            faults.removeAt(i);
        (void)saveFaultFile(faults, delay);
        return err;
    }
    return 0;
}

Status SimKernel::setLinkState(const QString &interface, bool up)
{
    const QString what = tr("Setting %1 %2").arg(interface.left(64), up ? QStringLiteral("up") : QStringLiteral("down"));
    if (!isValidDriverName(interface))
        return Error::make(ErrorCode::BadInterface, what, tr("that is not an interface name"),
                           tr("Use a name from sys/class/net, such as eth0."));
    const QString link = QStringLiteral("sys/class/net/") + interface;
    if (!m_layout->isDir(link) || !m_layout->exists(link + QLatin1String("/operstate")))
        return Error::make(ErrorCode::NoInterface, what, tr("the node has no network interface %1").arg(interface),
                           tr("Is the device's host driver bound? An interface exists only while it is."));
    if (!m_layout->writeFile(link + QLatin1String("/operstate"), up ? "up\n" : "down\n")
        || !m_layout->writeFile(link + QLatin1String("/flags"), up ? "0x1003\n" : "0x1002\n"))
        return Error::make(ErrorCode::SimWriteFailed, what, tr("cannot write under %1").arg(m_root.path(link)),
                           tr("Check that the simulated root is writable."));
    return {};
}

Status SimKernel::reboot()
{
    if (!loadDescription())
        return Error::make(ErrorCode::SimNotSimulated, tr("Cannot reboot %1").arg(m_root.root()),
                           tr("it is not a simulated node (or its description is damaged)"),
                           tr("Passdeck only reboots simulated nodes; reboot a real host yourself."));
    Result<QMap<QString, QString>> overrides = PersistentConfig(m_root).overrides();
    if (!overrides)
        return overrides.error();
    SimBootOptions boot;
    boot.overrides = *overrides;
    // modules-load.d: any *.conf naming vfio-pci loads it at boot.
    const QString modules = QStringLiteral("etc/modules-load.d");
    for (const QString &conf : m_layout->list(modules)) {
        if (!conf.endsWith(QLatin1String(".conf")))
            continue;
        QByteArray content;
        if (m_layout->readFileChecked(modules + u'/' + conf, RootedFile::kAttributeCap, &content) != 0)
            continue;
        for (const QByteArray &line : content.split('\n'))
            if (line.trimmed() == "vfio-pci" || line.trimmed() == "vfio_pci")
                boot.loadVfioPci = true;
    }
    // The new boot is written next to the old one inside the root (never through a link: the
    // layout refuses one below .passdeck-sim/), then swapped in.
    const QString tmpRel = QStringLiteral(".passdeck-sim/boot-") + QString::number(::getpid());
    const QString tmp = m_root.path(tmpRel);
    const auto failed = [this](const QString &why) {
        return Error::make(ErrorCode::SimRebootFailed, tr("Cannot reboot %1").arg(m_root.root()), why,
                           tr("Check that the simulated root is writable."));
    };
    m_layout->removeTree(tmpRel);
    if (!m_layout->makeDir(tmpRel) || !m_layout->isDir(tmpRel))
        return failed(tr("cannot create %1: %2").arg(tmp, RootedFile::describe(errno)));
    Result<int> next = SimHostBuilder::writeTree(*m_description, m_descriptionJson, tmp, boot);
    if (!next) {
        m_layout->removeTree(tmpRel);
        return next.error();
    }
    // Swap the boot's sys/, dev/ and proc/ in; etc/ and anything else under the root stay.
    for (const char *dir : {"sys", "dev", "proc"}) {
        const QString name = QLatin1String(dir);
        if (m_layout->exists(name) && !m_layout->rename(name, tmpRel + QLatin1String("/old-") + name))
            return failed(tr("cannot move %1 aside: %2").arg(name, QString::fromLocal8Bit(strerror(errno))));
        if (!m_layout->rename(tmpRel + u'/' + name, name))
            return failed(tr("cannot move the new %1 in place: %2").arg(name, QString::fromLocal8Bit(strerror(errno))));
    }
    m_layout->rename(tmpRel + QLatin1String("/.passdeck-sim/state.json"), QStringLiteral(".passdeck-sim/state.json"));
    m_layout->removeTree(tmpRel);
    m_newIds.clear();
    m_nextGroup = *next;
    m_stateBytes.clear();
    return {};
}

} // namespace passdeck
