#pragma once

#include "core/Error.h"
#include "core/JobCodec.h"
#include "core/Node.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace passdeck {

// One journaled job: what was asked, which devices it may touch and what they were on before
// (driver and driver_override, read before the first write), and where it stands.
struct JournalEntry
{
    JobStatus status;
    JobRequest request;
    QStringList devices;      // what the job holds (DeviceLocks)
    RestoreRequest originals; // what recovery puts back
    int originalVfCount = -1; // set-vf-count: the PF's sriov_numvfs before the job (-1: none)
    // Domain jobs (docs/libvirt.md): the domain's persistent XML and run state before the job;
    // recovery defines that XML again (and starts the domain if it ran).
    QString domainXml;
    bool domainWasActive = false;
};

// The agent's job journal (docs/agent-jobs.md): STATE/jobs/<id>.json, one file per job, each
// write atomic and durable (a temporary file, fsync, rename, fsync of the directory), so that
// after a crash or a power cut a file is either the old version or the new one, never half.
class JobJournal
{
public:
    explicit JobJournal(QString jobsDir);

    const QString &dir() const { return m_dir; }
    // Creates the directory (0700) when missing.
    Status open();
    QString pathOf(const QString &id) const;

    Status write(const JournalEntry &entry);
    Result<JournalEntry> read(const QString &path) const;
    Status remove(const QString &id);

    // Every entry in the directory. A file that cannot be read or decoded is not returned;
    // its Error (naming the file) goes to *problems. Leftover temporary files are removed.
    QList<JournalEntry> readAll(QList<Error> *problems);

    static QJsonObject toJson(const JournalEntry &entry);
    static Result<JournalEntry> fromJson(const QJsonValue &value);

private:
    QString m_dir;
};

} // namespace passdeck
