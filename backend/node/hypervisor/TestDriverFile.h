#pragma once

#include "core/Error.h"

#include <QByteArray>
#include <QString>

namespace passdeck {

// The file that is libvirt on a simulated node (docs/libvirt.md, "On the node"):
// <root>/etc/passdeck/libvirt.xml, a <node> document of <domain type='test'> elements that
// libvirt's test driver loads. The test driver keeps its state only in its connection, so every
// operation runs as read-modify-write under an exclusive flock on libvirt.xml.lock next to it:
// lock, open a connection on the file, act, write every domain back (temp + rename), unlock.
// Every process (GUI, CLI, agent) thus sees the same VMs.
//
// Paths resolve inside the host root and refuse any symbolic link (RootedFile::NoSymlinks);
// libvirt reads the file through /proc/self/fd, the descriptor opened here.
class TestDriverFile
{
public:
    static QString relativePath(); // "etc/passdeck/libvirt.xml"
    // What `sim build` writes when a description lists no domains.
    static QByteArray emptyNode();

    // Locks the file (waiting at most timeoutMs for another process) and opens it; a missing
    // file is created as an empty <node> first. nodeAddress names the node in errors.
    static Result<TestDriverFile> lock(const QString &root, const QString &nodeAddress, int timeoutMs = 60000);

    TestDriverFile(TestDriverFile &&other) noexcept;
    TestDriverFile &operator=(TestDriverFile &&other) noexcept;
    TestDriverFile(const TestDriverFile &) = delete;
    TestDriverFile &operator=(const TestDriverFile &) = delete;
    ~TestDriverFile(); // unlocks

    // The libvirt URI of the file as it is now (test:///proc/self/fd/N).
    QString uri() const;
    // Replaces the file atomically (temp + fsync + rename inside the root) and reopens it.
    Status replace(const QByteArray &content);

    // Writes `content` as the file of a root without locking (sim build, before any process uses it).
    static Status create(const QString &root, const QByteArray &content);

private:
    TestDriverFile() = default;
    void reset();

    QString m_root;
    QString m_nodeAddress;
    int m_lockFd = -1;
    int m_fileFd = -1;
};

} // namespace passdeck
