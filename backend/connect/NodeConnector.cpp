#include "connect/NodeConnector.h"

#include "core/AgentAddress.h"
#include "node/LocalNodeConnector.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSslCertificate>

#include <unistd.h>

namespace passdeck {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("NodeConnector", text);
}

QString startOrJoinHint()
{
    return tr("Start the agent (sudo systemctl start passdeckd) or, when it runs, join the group passdeck "
              "(sudo usermod -aG passdeck $USER, then log in again) so that Passdeck can read its token; "
              "or run Passdeck as root.");
}

bool isRealHostRoot(const NodeInfo &node)
{
    return !node.simulated && !node.hostRoot.isEmpty() && QDir::cleanPath(node.hostRoot) == QStringLiteral("/");
}

Result<QByteArray> readFile(const QString &path, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(ErrorCode::NodeUnreachable, what,
                           tr("cannot read %1 (%2): this process is not root, so it reaches this machine's devices "
                              "through the agent passdeckd, whose token and certificate it needs")
                               .arg(path, file.errorString()),
                           startOrJoinHint());
    return file.read(1 << 20);
}

} // namespace

Result<NodeInfo> localAgentNode(const NodeInfo &realHost, const ConnectOptions &options)
{
    const QString what = tr("Reaching this machine's devices (%1) through the local agent passdeckd").arg(realHost.hostRoot);
    const QString dir = options.localAgentStateDir;
    Result<QByteArray> token = readFile(dir + QStringLiteral("/token"), what);
    if (!token)
        return token.error();
    Result<QByteArray> pem = readFile(dir + QStringLiteral("/cert.pem"), what);
    if (!pem)
        return pem.error();
    const QList<QSslCertificate> certs = QSslCertificate::fromData(*pem, QSsl::Pem);
    if (certs.isEmpty() || certs.first().isNull())
        return Error::make(ErrorCode::NodeUnreachable, what, tr("%1/cert.pem holds no certificate").arg(dir), startOrJoinHint());
    Result<QString> normal = AgentAddress::normalizeToken(QString::fromLatin1(*token));
    if (!normal)
        return Error::make(ErrorCode::NodeUnreachable, what, tr("%1/token is not an agent token").arg(dir), startOrJoinHint());

    NodeInfo agent = realHost;
    agent.hostRoot = options.localAgentAddress;
    agent.agentToken = *normal;
    agent.agentFingerprint = AgentClient::fingerprintOf(certs.first());
    return agent;
}

NodeFactory nodeFactory(const ConnectOptions &options)
{
    const NodeFactory local = localNodes(options.inventory);
    return [options, local](const NodeInfo &node) -> Result<std::unique_ptr<Node>> {
        if (AgentAddress::isAgentAddress(node.hostRoot)) {
            auto remote = RemoteNode::open(node, options.remote);
            if (!remote)
                return remote.error();
            return std::unique_ptr<Node>(std::move(remote.value()));
        }
        const bool root = options.runningAsRoot.value_or(::geteuid() == 0);
        if (!root && isRealHostRoot(node)) {
            Result<NodeInfo> agent = localAgentNode(node, options);
            if (!agent)
                return agent.error();
            auto remote = RemoteNode::open(*agent, options.remote);
            if (!remote)
                return remote.error();
            remote.value()->client().setUnreachableHint(
                tr("Start the agent on this machine (sudo systemctl start passdeckd), or run Passdeck as root."));
            return std::unique_ptr<Node>(std::move(remote.value()));
        }
        return local(node);
    };
}

} // namespace passdeck
