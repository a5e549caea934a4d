#include "node/LocalNode.h"

#include "node/host/PersistentConfig.h"
#include "node/host/RealSysfsWriter.h"
#include "node/host/RootedFile.h"
#include "sim/SimKernel.h"

#include <QCoreApplication>
#include <QFile>

#include <cerrno>
#include <climits>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace passdeck {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("LocalNode", text);
}

// The writer of a node whose checks failed: nothing reaches any file.
class RefusingWriter : public SysfsWriter
{
public:
    int write(const QString &, const QByteArray &) override { return EPERM; }
};
} // namespace

LocalNode::LocalNode(const QString &root, bool simulated, InventoryOptions options)
    : m_root(root)
    , m_simulated(simulated)
    , m_options(std::move(options))
    , m_openStatus(validate(root, simulated))
{
    if (!m_openStatus) {
        qWarning("passdeck: LocalNode on %s refuses all writes: %s", qPrintable(root.isEmpty() ? QStringLiteral("\"\"") : root),
                 qPrintable(m_openStatus.error().message()));
        m_writer = std::make_unique<RefusingWriter>();
    } else if (simulated) {
        auto sim = std::make_unique<SimKernel>(m_root);
        m_sim = sim.get();
        m_writer = std::move(sim);
    } else {
        m_writer = std::make_unique<RealSysfsWriter>(m_root);
    }
}

LocalNode::~LocalNode() = default;

Result<std::unique_ptr<LocalNode>> LocalNode::open(const QString &root, bool simulated, InventoryOptions options)
{
    if (Status s = validate(root, simulated); !s)
        return s.error();
    return std::make_unique<LocalNode>(root, simulated, std::move(options));
}

Status LocalNode::validate(const QString &root, bool simulated)
{
    if (root.isEmpty())
        return Error::make(ErrorCode::HostRootEmpty, tr("Opening a node with an empty host root"),
                           tr("an empty path never means this machine (a failed temporary directory gives one)"),
                           tr("Pass \"/\" explicitly for this machine, or the directory of a simulated node."));
    if (Status s = HostRoot(root).check(); !s)
        return s.error();
    // Declaring a root simulated is explicit, and both mistakes are refused: the simulator must
    // never write to a real root, and plain writes would corrupt a simulated one (no kernel
    // behind its files to act on them).
    const bool simulatedRoot = SimKernel::isSimulated(HostRoot(root));
    if (simulated && !simulatedRoot)
        return Error::make(ErrorCode::NotSimulated, tr("Opening %1 as a simulated node").arg(root),
                           tr("it has no simulator state (no .passdeck-sim/ in it): it was not made by "
                              "`passdeck-cli sim build` or `passdeck-cli sim capture`"),
                           tr("To rehearse on a copy of this tree, capture it first: `passdeck-cli sim capture %1 DIR`, then "
                              "use DIR with --simulate; or leave out --simulate for a real host root.").arg(root));
    if (!simulated && simulatedRoot)
        return Error::make(ErrorCode::SimulatedRoot, tr("Opening %1 as a real host").arg(root),
                           tr("it is a simulated node: writes to it need the simulator's kernel semantics"),
                           tr("Add --simulate (or mark the node as simulated)."));
    return {};
}

// Reads go through RootedFile like writes: inside the root (a link never leads out of a root
// other than "/"), without blocking, regular files only, capped (docs/binding.md, "Fail closed").
QString LocalNode::readLinkName(const QString &relativePath) const
{
    const int rootFd = RootedFile::openRoot(m_root.root());
    if (rootFd < 0)
        return {};
    QByteArray leaf;
    const int dir = RootedFile::openParentAt(rootFd, QFile::encodeName(relativePath), &leaf);
    ::close(rootFd);
    if (dir < 0)
        return {};
    char target[PATH_MAX];
    const ssize_t n = ::readlinkat(dir, leaf.constData(), target, sizeof target - 1);
    ::close(dir);
    if (n <= 0)
        return {};
    QByteArray t(target, n);
    while (t.endsWith('/'))
        t.chop(1);
    const qsizetype slash = t.lastIndexOf('/');
    return QFile::decodeName(slash < 0 ? t : t.mid(slash + 1));
}

Result<QString> LocalNode::readAttribute(const QString &relativePath) const
{
    // /proc files (mounts, swaps) of a busy host are larger than any sysfs attribute.
    const qint64 cap = relativePath.startsWith(QLatin1String("proc/")) ? RootedFile::kProcFileCap : RootedFile::kAttributeCap;
    QByteArray data;
    if (const int err = RootedFile::read(m_root.root(), relativePath, cap, &data); err != 0) {
        Error e = Error::make(ErrorCode::ReadFailed, tr("Cannot read %1").arg(relativePath),
                              RootedFile::describe(err, cap));
        e.step = relativePath;
        e.errnum = err;
        return e;
    }
    if (data.endsWith('\n'))
        data.chop(1);
    return QString::fromUtf8(data);
}

bool LocalNode::exists(const QString &relativePath) const
{
    const int fd = RootedFile::open(m_root.root(), relativePath, O_PATH);
    if (fd < 0)
        return false;
    ::close(fd);
    return true;
}

int LocalNode::write(const QString &relativePath, const QByteArray &value)
{
    return m_writer->write(relativePath, value);
}

Result<QMap<QString, QString>> LocalNode::persistedOverrides() const
{
    if (!m_openStatus)
        return m_openStatus.error();
    return PersistentConfig(m_root).overrides();
}

Status LocalNode::updatePersistence(const QMap<QString, QString> &set, const QStringList &clear)
{
    // A node whose checks failed writes nothing, not even under etc/.
    if (!m_openStatus)
        return m_openStatus.error();
    return PersistentConfig(m_root).update(set, clear);
}

} // namespace passdeck
