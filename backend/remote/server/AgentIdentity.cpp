#include "remote/server/AgentIdentity.h"

#include "core/AgentAddress.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSysInfo>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

namespace passdeck {

namespace {

template<typename T, void (*F)(T *)>
struct Deleter
{
    void operator()(T *p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

Error identityError(const QString &what, const QString &why, const QString &hint)
{
    return Error::make(ErrorCode::AgentIdentity, what, why, hint);
}

QString errnoText(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

// The hint for a file that exists but is not usable: repair it, or start over knowingly.
QString damagedHint(const QString &path)
{
    return QStringLiteral("Restore %1 from a backup, or remove key.pem, cert.pem and token from its directory to "
                          "make a new identity (every desktop that added this node must then add it again with "
                          "the new fingerprint and token)").arg(path);
}

Result<QByteArray> readExisting(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return identityError(QStringLiteral("Reading the agent identity file %1").arg(path), f.errorString(),
                             QStringLiteral("Check the file's owner and mode (the agent runs as root; the file is 0600)"));
    if (f.size() > 64 * 1024)
        return identityError(QStringLiteral("Reading the agent identity file %1").arg(path),
                             QStringLiteral("the file is %1 bytes, far larger than a key, certificate or token").arg(f.size()),
                             damagedHint(path));
    return f.readAll();
}

// Writes a new file next to path (path.new, O_EXCL, the mode from the start, fsync'd) and
// renames it into place; group passdeck gets read access when asked and the group exists.
Status writeFileAtomically(const QString &path, const QByteArray &data, mode_t mode, bool groupPassdeck = false)
{
    const QString tmp = path + QStringLiteral(".new");
    const QByteArray tmpName = QFile::encodeName(tmp);
    ::unlink(tmpName.constData());
    const int fd = ::open(tmpName.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    auto fail = [&](const QString &step, int err) {
        if (fd >= 0)
            ::close(fd);
        ::unlink(tmpName.constData());
        return identityError(QStringLiteral("Writing the agent identity file %1").arg(path),
                             QStringLiteral("%1: %2").arg(step, errnoText(err)),
                             QStringLiteral("Check that the state directory is writable by the agent"));
    };
    if (fd < 0)
        return fail(QStringLiteral("creating %1").arg(tmp), errno);
    if (groupPassdeck) {
        if (const struct group *g = ::getgrnam("passdeck")) {
            if (::fchown(fd, static_cast<uid_t>(-1), g->gr_gid) == 0)
                mode = 0640;
        }
    }
    if (::fchmod(fd, mode) != 0) // the umask narrowed what open() was given
        return fail(QStringLiteral("chmod"), errno);
    qsizetype off = 0;
    while (off < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + off, size_t(data.size() - off));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(QStringLiteral("write"), errno);
        }
        off += n;
    }
    if (::fsync(fd) != 0)
        return fail(QStringLiteral("fsync"), errno);
    ::close(fd);
    if (::rename(tmpName.constData(), QFile::encodeName(path).constData()) != 0) {
        const int err = errno;
        ::unlink(tmpName.constData());
        return identityError(QStringLiteral("Writing the agent identity file %1").arg(path),
                             QStringLiteral("rename: %1").arg(errnoText(err)),
                             QStringLiteral("Check that the state directory is writable by the agent"));
    }
    return {};
}

void syncDir(const QString &dir)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// A host name fit for a DNS SAN entry ("" when it is not one).
QString dnsName(const QString &host)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$"));
    return re.match(host).hasMatch() ? host : QString();
}

bool addExtension(X509 *cert, int nid, const QByteArray &value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.constData());
    if (!ext)
        return false;
    const bool ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

QByteArray bioBytes(BIO *bio)
{
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(n));
}

// A new key and a self-signed certificate over it, both as PEM.
Result<std::pair<QByteArray, QByteArray>> makeKeyAndCertificate(const QString &hostName)
{
    const auto fail = [](const QString &step) {
        return identityError(QStringLiteral("Creating the agent's key and certificate"),
                             QStringLiteral("OpenSSL failed to %1").arg(step),
                             QStringLiteral("Check the OpenSSL installation (libssl3)"));
    };
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key)
        return fail(QStringLiteral("generate an EC P-256 key"));
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
        return fail(QStringLiteral("make a certificate"));
    // A positive random 127-bit serial: two certificates of one host never share one.
    quint64 serialWords[2];
    QRandomGenerator::system()->fillRange(serialWords);
    serialWords[0] &= 0x7fffffffffffffffULL;
    BIGNUM *bn = BN_bin2bn(reinterpret_cast<const unsigned char *>(serialWords), sizeof serialWords, nullptr);
    const bool serialOk = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    if (!serialOk)
        return fail(QStringLiteral("set the serial number"));
    // An hour back for clocks that disagree a little; ten years (and leap days) ahead.
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3653L * 24 * 3600);
    if (X509_set_pubkey(cert.get(), key.get()) != 1)
        return fail(QStringLiteral("set the public key"));
    X509_NAME *name = X509_get_subject_name(cert.get());
    const QByteArray cn = (hostName.isEmpty() ? QStringLiteral("passdeckd") : hostName).left(64).toUtf8();
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char *>(cn.constData()), -1, -1, 0) != 1
        || X509_set_issuer_name(cert.get(), name) != 1)
        return fail(QStringLiteral("set the subject"));
    QByteArray san = "DNS:localhost";
    const QString dns = dnsName(hostName);
    if (!dns.isEmpty() && dns != QLatin1String("localhost"))
        san += ",DNS:" + dns.toLatin1();
    san += ",IP:127.0.0.1,IP:::1";
    // No keyUsage: OpenSSL then treats the certificate as self-issued, so `curl --cacert
    // cert.pem` trusts it as its own anchor; CA:FALSE keeps it from signing anything else.
    if (!addExtension(cert.get(), NID_subject_alt_name, san)
        || !addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE")
        || !addExtension(cert.get(), NID_ext_key_usage, "serverAuth")
        || !addExtension(cert.get(), NID_subject_key_identifier, "hash"))
        return fail(QStringLiteral("add the certificate extensions"));
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return fail(QStringLiteral("sign the certificate"));

    BioPtr keyBio(BIO_new(BIO_s_mem()));
    BioPtr certBio(BIO_new(BIO_s_mem()));
    if (!keyBio || !certBio || PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1
        || PEM_write_bio_X509(certBio.get(), cert.get()) != 1)
        return fail(QStringLiteral("write the key and certificate as PEM"));
    return std::make_pair(bioBytes(keyBio.get()), bioBytes(certBio.get()));
}

// Parses key.pem and checks that cert.pem carries its public key.
Status checkKeyMatches(const QByteArray &keyPem, const QByteArray &certPem, const QString &keyPath, const QString &certPath)
{
    BioPtr keyBio(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())));
    PkeyPtr key(keyBio ? PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key)
        return identityError(QStringLiteral("Reading the agent's key %1").arg(keyPath),
                             QStringLiteral("the file is not a PEM private key"), damagedHint(keyPath));
    BioPtr certBio(BIO_new_mem_buf(certPem.constData(), int(certPem.size())));
    X509Ptr cert(certBio ? PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert)
        return identityError(QStringLiteral("Reading the agent's certificate %1").arg(certPath),
                             QStringLiteral("the file is not a PEM certificate"), damagedHint(certPath));
    if (X509_check_private_key(cert.get(), key.get()) != 1)
        return identityError(QStringLiteral("Reading the agent's certificate %1").arg(certPath),
                             QStringLiteral("the certificate is not the one of the key in %1").arg(keyPath),
                             damagedHint(certPath));
    return {};
}

} // namespace

QString AgentIdentity::fingerprintOf(const QSslCertificate &certificate)
{
    return QStringLiteral("SHA256:") + QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex());
}

QString AgentIdentity::fingerprint() const
{
    return fingerprintOf(m_certificate);
}

Result<AgentIdentity> AgentIdentity::loadOrCreate(const QString &stateDir, const QString &hostNameIn)
{
    AgentIdentity id;
    id.m_stateDir = QDir::cleanPath(QDir(stateDir).absolutePath());
    const QByteArray dirName = QFile::encodeName(id.m_stateDir);
    if (!QFileInfo(id.m_stateDir).isDir()) {
        if (!QDir().mkpath(id.m_stateDir) || ::chmod(dirName.constData(), 0700) != 0)
            return identityError(QStringLiteral("Creating the agent state directory %1").arg(id.m_stateDir),
                                 errnoText(errno), QStringLiteral("Create it (mode 0700, owner root) or pass --state-dir DIR"));
    }
    const QString hostName = hostNameIn.isEmpty() ? QSysInfo::machineHostName() : hostNameIn;

    // Key and certificate. No key: a first start (or one that died before the key was in place,
    // when nobody can have pinned the certificate yet): make both. A key without a certificate
    // is damage, not a first start.
    QByteArray keyPem, certPem;
    if (!QFileInfo::exists(id.keyPath())) {
        auto made = makeKeyAndCertificate(hostName);
        if (!made)
            return made.error();
        keyPem = made->first;
        certPem = made->second;
        // The certificate first: a stop between the two leaves no key, hence a fresh start.
        if (Status st = writeFileAtomically(id.certPath(), certPem, 0644); !st)
            return st.error();
        if (Status st = writeFileAtomically(id.keyPath(), keyPem, 0600); !st)
            return st.error();
        syncDir(id.m_stateDir);
    } else {
        auto key = readExisting(id.keyPath());
        if (!key)
            return key.error();
        keyPem = *key;
        if (!QFileInfo::exists(id.certPath()))
            return identityError(QStringLiteral("Reading the agent's certificate %1").arg(id.certPath()),
                                 QStringLiteral("the file is missing while the key %1 exists").arg(id.keyPath()),
                                 damagedHint(id.certPath()));
        auto cert = readExisting(id.certPath());
        if (!cert)
            return cert.error();
        certPem = *cert;
    }
    if (Status st = checkKeyMatches(keyPem, certPem, id.keyPath(), id.certPath()); !st)
        return st.error();
    id.m_key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    if (id.m_key.isNull())
        return identityError(QStringLiteral("Reading the agent's key %1").arg(id.keyPath()),
                             QStringLiteral("Qt's TLS backend cannot use it as an EC private key"), damagedHint(id.keyPath()));
    const QList<QSslCertificate> certs = QSslCertificate::fromData(certPem, QSsl::Pem);
    if (certs.isEmpty() || certs.first().isNull())
        return identityError(QStringLiteral("Reading the agent's certificate %1").arg(id.certPath()),
                             QStringLiteral("Qt's TLS backend cannot read it"), damagedHint(id.certPath()));
    id.m_certificate = certs.first();

    // The token.
    if (!QFileInfo::exists(id.tokenPath())) {
        quint32 words[8];
        QRandomGenerator::system()->fillRange(words);
        const QByteArray token = QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex();
        if (Status st = writeFileAtomically(id.tokenPath(), token + '\n', 0600, true); !st)
            return st.error();
        syncDir(id.m_stateDir);
        id.m_token = token;
    } else {
        auto raw = readExisting(id.tokenPath());
        if (!raw)
            return raw.error();
        Result<QString> token = AgentAddress::normalizeToken(QString::fromLatin1(*raw));
        if (!token)
            return identityError(QStringLiteral("Reading the agent's token %1").arg(id.tokenPath()),
                                 QStringLiteral("the file does not hold 64 hexadecimal characters"),
                                 QStringLiteral("Remove %1 to make a new token (every desktop that added this node must "
                                                "then be given the new one), or restore it from a backup").arg(id.tokenPath()));
        id.m_token = token->toLower().toLatin1();
    }
    return id;
}

} // namespace passdeck
