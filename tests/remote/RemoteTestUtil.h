#pragma once
// Nodes behind agents for tests (header-only): the stored form of a running AgentProcess and a
// RemoteNode on it with short hang guards, so that a stopped agent fails a call in about a
// second instead of the production ten.
#include "AgentProcess.h"

#include "core/DomainTypes.h"
#include "remote/client/RemoteNode.h"

#include <QtTest>

#include <csignal>
#include <memory>

namespace passdeck::test {

inline NodeInfo agentNodeInfo(const AgentProcess &agent, const QString &name = QStringLiteral("remote"))
{
    NodeInfo info;
    info.name = name;
    info.hostRoot = agent.address();
    info.simulated = true;
    info.agentToken = agent.token();
    info.agentFingerprint = agent.fingerprint();
    return info;
}

inline RemoteNodeOptions quickRemoteOptions()
{
    RemoteNodeOptions o;
    o.timeouts.connectMs = 2000;
    o.timeouts.requestMs = 20000;
    o.retryFirstMs = 50;
    o.retryMaxMs = 250;
    o.reconnectWindowMs = 120000;
    return o;
}

inline std::unique_ptr<RemoteNode> remoteNodeOn(const AgentProcess &agent, RemoteNodeOptions options = quickRemoteOptions())
{
    auto node = RemoteNode::open(agentNodeInfo(agent), options);
    if (!node) {
        qWarning("%s", qPrintable(node.error().message()));
        return nullptr;
    }
    return std::move(node).value();
}

// SIGSTOP / SIGCONT of the agent's process: a link that stops answering and comes back.
inline bool signalAgent(const AgentProcess &agent, int signal)
{
    return agent.process() && ::kill(static_cast<pid_t>(agent.process()->processId()), signal) == 0;
}

} // namespace passdeck::test
