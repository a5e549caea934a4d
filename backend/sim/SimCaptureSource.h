#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace passdeck {

// Read-only access to the host root a twin is captured from (sim/SimCapture.h): every path
// resolves inside the root (RootedFile), files open O_RDONLY|O_NONBLOCK, regular files only,
// each read capped; nothing is ever written. Failures are collected as warnings by the caller.
class SimCaptureSource
{
public:
    explicit SimCaptureSource(const QString &root);
    ~SimCaptureSource();
    SimCaptureSource(const SimCaptureSource &) = delete;
    SimCaptureSource &operator=(const SimCaptureSource &) = delete;

    bool isOpen() const { return m_rootFd >= 0; }
    int openErrno() const { return m_openErrno; }
    const QString &root() const { return m_root; }

    // A file's bytes (at most cap); 0 or an errno (RootedFile's: not regular, EFBIG past cap).
    int read(const QString &relative, qint64 cap, QByteArray *out) const;
    // A one-line attribute without its trailing newline; false when absent or unreadable.
    bool text(const QString &relative, QString *out, int *errnum = nullptr) const;
    // Names in a directory, sorted; empty (with *errnum) when it cannot be listed.
    QStringList list(const QString &relative, int *errnum = nullptr, int cap = 65536) const;
    // The raw target of a symbolic link; empty when it is none.
    QString linkTarget(const QString &relative) const;
    // The last component of a link's target ("igb" for driver -> ../../../bus/pci/drivers/igb).
    QString linkName(const QString &relative) const;
    bool exists(const QString &relative) const;

private:
    QString m_root;
    int m_rootFd = -1;
    int m_openErrno = 0;
};

} // namespace passdeck
