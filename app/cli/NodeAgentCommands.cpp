// Node commands for nodes behind an agent (docs/store.md, "Nodes behind an agent"):
// `node add NAME --agent HOST:PORT --token-file F --fingerprint SHA256:<hex>`, and the state
// column of `node list` / `nodes`.
#include "cli/StoreCommands.h"

#include "core/AgentAddress.h"
#include "service/TrackedNode.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

namespace passdeck::cli {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("StoreCommands", text);
}

// Reads the token file; its content is never printed. A token readable by every local user
// lets each of them drive the agent: said as a warning (the agent writes it 0600 or 0640).
int readTokenFile(CliContext &ctx, const QString &path, QString *token)
{
    const QFileInfo info(path);
    if (!info.exists())
        return ctx.fail(Error::make(ErrorCode::AgentAddress, tr("Reading the token file %1").arg(path), tr("it does not exist"),
                                    tr("Copy the agent's token (its state directory's file 'token', e.g. "
                                       "/var/lib/passdeckd/token) to a file only you can read and give that file.")));
    if (!info.isFile() || info.size() > 4096)
        return ctx.fail(Error::make(ErrorCode::AgentAddress, tr("Reading the token file %1").arg(path),
                                    tr("it is not a small regular file"),
                                    tr("Give the file that holds the agent's token (64 hexadecimal characters).")));
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return ctx.fail(Error::make(ErrorCode::AgentAddress, tr("Reading the token file %1").arg(path), f.errorString(),
                                    tr("Make the file readable by you (and only by you: chmod 600).")));
    if (info.permissions() & QFileDevice::ReadOther) {
        ctx.err() << tr("passdeck-cli: warning: the token file %1 is readable by every user of this machine; "
                        "anyone who reads it can drive the agent. Make it private: chmod 600 %1").arg(path) << "\n";
        ctx.err().flush();
    }
    *token = QString::fromLatin1(f.readAll());
    return ExitOk;
}

} // namespace

int runNodeAddAgent(CliContext &ctx)
{
    // node add NAME --agent HOST:PORT --token-file F --fingerprint SHA256:<hex>
    QString address, tokenFile, fingerprint;
    bool hasAddress = false, hasTokenFile = false, hasFingerprint = false, missing = false;
    hasAddress = ctx.takeOption(QStringLiteral("--agent"), &address, &missing);
    if (missing)
        return ctx.usage(tr("--agent needs HOST:PORT"));
    hasTokenFile = ctx.takeOption(QStringLiteral("--token-file"), &tokenFile, &missing);
    if (missing)
        return ctx.usage(tr("--token-file needs a file"));
    hasFingerprint = ctx.takeOption(QStringLiteral("--fingerprint"), &fingerprint, &missing);
    if (missing)
        return ctx.usage(tr("--fingerprint needs SHA256:<hex>"));
    if (int r = rejectLeftovers(ctx, 1))
        return r;
    const QString synopsis = QStringLiteral("node add NAME --agent HOST:PORT --token-file FILE --fingerprint SHA256:<hex>");
    if (ctx.args.size() != 1)
        return ctx.usage(synopsis);
    if (!hasAddress)
        return ctx.usage(tr("node add needs --agent HOST:PORT (or --host-root DIR for a node on this machine)"));
    if (ctx.hostRootGiven)
        return ctx.usage(tr("node add takes --host-root DIR or --agent HOST:PORT, not both"));
    if (!hasTokenFile)
        return ctx.usage(tr("node add --agent needs --token-file FILE (the agent's token; never on the command line)"));
    if (!hasFingerprint)
        return ctx.usage(tr("node add --agent needs --fingerprint SHA256:<hex> (passdeckd prints it when it starts)"));
    // The parts' form first: no store is opened for a malformed address or fingerprint.
    if (auto a = AgentAddress::parse(address); !a)
        return ctx.fail(a.error());
    if (auto f = AgentAddress::normalizeFingerprint(fingerprint); !f)
        return ctx.fail(f.error());
    QString token;
    if (int r = readTokenFile(ctx, tokenFile, &token))
        return r;
    if (auto t = AgentAddress::normalizeToken(token); !t)
        return ctx.fail(t.error());
    int rc = ExitOk;
    auto service = openService(ctx, &rc);
    if (!service)
        return rc;
    auto r = service->addAgentNode(AgentNodeSpec{ctx.args.at(0), address, token, fingerprint});
    if (!r)
        return ctx.fail(r.error());
    printReport(ctx, *r);
    return ExitOk;
}

QString nodeStateText(const NodeInfo &n)
{
    if (n.unreachableSince.isValid())
        return tr("unreachable since %1").arg(unreachableSinceText(n.unreachableSince));
    return tr("connected");
}

} // namespace passdeck::cli
