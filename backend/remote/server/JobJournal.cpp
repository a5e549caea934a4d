#include "remote/server/JobJournal.h"

#include "core/JsonReader.h"
#include "core/NodeCodec.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("JobJournal", text);
}

constexpr int kVersion = 1;
const QLatin1StringView kTmpSuffix(".json.tmp");
constexpr qint64 kMaxFileSize = 64 << 20;

Error ioError(const QString &what, const QString &path, int err)
{
    Error e = Error::make(ErrorCode::WriteFailed, what,
                          QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(std::strerror(err))),
                          tr("Check that the agent's state directory is on a writable file system with free space."));
    e.step = path;
    e.errnum = err;
    return e;
}

// fd's whole buffer, retrying short writes and EINTR.
bool writeAll(int fd, const QByteArray &data)
{
    qsizetype off = 0;
    while (off < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + off, size_t(data.size() - off));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        off += n;
    }
    return true;
}

} // namespace

JobJournal::JobJournal(QString jobsDir)
    : m_dir(std::move(jobsDir))
{
}

Status JobJournal::open()
{
    const QByteArray path = QFile::encodeName(m_dir);
    if (::mkdir(path.constData(), 0700) != 0 && errno != EEXIST)
        return ioError(tr("Creating the job journal"), m_dir, errno);
    return {};
}

QString JobJournal::pathOf(const QString &id) const
{
    return m_dir + u'/' + id + QLatin1String(".json");
}

Status JobJournal::write(const JournalEntry &entry)
{
    const QString what = tr("Journaling job %1").arg(entry.status.id);
    const QString finalPath = pathOf(entry.status.id);
    const QString tmpPath = m_dir + u'/' + entry.status.id + kTmpSuffix;
    const QByteArray data = QJsonDocument(toJson(entry)).toJson(QJsonDocument::Indented);

    const QByteArray tmp = QFile::encodeName(tmpPath);
    const int fd = ::open(tmp.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return ioError(what, tmpPath, errno);
    if (!writeAll(fd, data) || ::fsync(fd) != 0) {
        const int err = errno ? errno : EIO;
        ::close(fd);
        ::unlink(tmp.constData());
        return ioError(what, tmpPath, err);
    }
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.constData());
        return ioError(what, tmpPath, err);
    }
    if (::rename(tmp.constData(), QFile::encodeName(finalPath).constData()) != 0) {
        const int err = errno;
        ::unlink(tmp.constData());
        return ioError(what, finalPath, err);
    }
    // The rename is durable only once the directory is.
    const int dfd = ::open(QFile::encodeName(m_dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return ioError(what, m_dir, errno);
    const int rc = ::fsync(dfd);
    const int err = errno;
    ::close(dfd);
    if (rc != 0)
        return ioError(what, m_dir, err);
    return {};
}

Status JobJournal::remove(const QString &id)
{
    const QString path = pathOf(id);
    if (::unlink(QFile::encodeName(path).constData()) != 0 && errno != ENOENT)
        return ioError(tr("Pruning job %1 from the journal").arg(id), path, errno);
    return {};
}

Result<JournalEntry> JobJournal::read(const QString &path) const
{
    const QString what = tr("Reading the journaled job %1").arg(path);
    const QString hint = tr("The agent could not tell what this job changed. Check the devices it names by hand, "
                            "then move the file out of the journal directory.");
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        Error e = Error::make(ErrorCode::ReadFailed, what, f.errorString(), hint);
        e.step = path;
        return e;
    }
    if (f.size() > kMaxFileSize) {
        Error e = Error::make(ErrorCode::BadMessage, what, tr("the file is larger than %1 bytes").arg(kMaxFileSize), hint);
        e.step = path;
        return e;
    }
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &parse);
    if (parse.error != QJsonParseError::NoError) {
        Error e = Error::make(ErrorCode::BadMessage, what,
                              tr("not JSON (%1 at byte %2)").arg(parse.errorString()).arg(parse.offset), hint);
        e.step = path;
        return e;
    }
    Result<JournalEntry> entry = fromJson(doc.isObject() ? QJsonValue(doc.object()) : QJsonValue());
    if (!entry) {
        Error e = entry.error();
        e.what = what;
        e.hint = hint;
        e.step = path;
        return e;
    }
    return entry;
}

QList<JournalEntry> JobJournal::readAll(QList<Error> *problems)
{
    QList<JournalEntry> out;
    const QDir dir(m_dir);
    for (const QString &name : dir.entryList({QStringLiteral("*") + kTmpSuffix}, QDir::Files | QDir::Hidden))
        QFile::remove(dir.filePath(name)); // a write that never reached its rename
    for (const QString &name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        Result<JournalEntry> entry = read(dir.filePath(name));
        if (entry && entry->status.id + QLatin1String(".json") != name) {
            Error e = Error::make(ErrorCode::BadMessage, tr("Reading the journaled job %1").arg(dir.filePath(name)),
                                  tr("the file holds job %1").arg(entry->status.id));
            e.step = dir.filePath(name);
            entry = e;
        }
        if (!entry) {
            if (problems)
                problems->append(entry.error());
            continue;
        }
        out.append(*entry);
    }
    return out;
}

QJsonObject JobJournal::toJson(const JournalEntry &entry)
{
    return {{QStringLiteral("version"), kVersion},
            {QStringLiteral("status"), jobStatusToJson(entry.status)},
            {QStringLiteral("request"), jobRequestToJson(entry.request)},
            {QStringLiteral("devices"), QJsonArray::fromStringList(entry.devices)},
            {QStringLiteral("originals"), nodecodec::toJson(entry.originals)},
            {QStringLiteral("originalVfCount"), entry.originalVfCount},
            {QStringLiteral("domainXml"), entry.domainXml},
            {QStringLiteral("domainWasActive"), entry.domainWasActive}};
}

Result<JournalEntry> JobJournal::fromJson(const QJsonValue &value)
{
    QString problem;
    JsonReader r(value, QStringLiteral("journal"), &problem);
    const QJsonObject o = value.toObject();
    JournalEntry e;
    const qint64 version = r.integer(QStringLiteral("version"), 1, 1000);
    if (!r.failed() && version != kVersion)
        r.fail(QStringLiteral("version"), tr("version %1 is not one this agent reads (%2)").arg(version).arg(kVersion));
    e.devices = r.addresses(QStringLiteral("devices"), JsonReader::kMaxDevices);
    r.object(QStringLiteral("status"));
    r.object(QStringLiteral("request"));
    r.object(QStringLiteral("originals"));
    e.originalVfCount = int(r.integer(QStringLiteral("originalVfCount"), -1, 65535, false, -1));
    // Absent in journals written before domain jobs existed.
    e.domainXml = r.string(QStringLiteral("domainXml"), 4 * 1024 * 1024, false);
    e.domainWasActive = r.has(QStringLiteral("domainWasActive")) && r.boolean(QStringLiteral("domainWasActive"));
    if (r.failed())
        return r.error(tr("Reading a journaled job"));
    Result<JobStatus> status = jobStatusFromJson(o.value(QStringLiteral("status")));
    if (!status)
        return status.error();
    Result<JobRequest> request = jobRequestFromJson(o.value(QStringLiteral("request")));
    if (!request)
        return request.error();
    Result<RestoreRequest> originals = nodecodec::fromJson<RestoreRequest>(o.value(QStringLiteral("originals")));
    if (!originals)
        return originals.error();
    e.status = *status;
    e.request = *request;
    e.originals = *originals;
    return e;
}

} // namespace passdeck
