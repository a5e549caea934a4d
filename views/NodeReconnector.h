#pragma once

#include <QFuture>
#include <QObject>

class QTimer;

namespace passdeck {

class DomainService;

// Nodes that do not answer reconnect by themselves: every interval (30 s by default) and on
// demand (retryNow), each node noted unreachable is refreshed again on a worker thread. When one
// answers, the service clears its note and says so (nodesChanged), and the dashboards show it
// connected again. One round at a time; the window's destruction waits for a running one.
class NodeReconnector : public QObject
{
    Q_OBJECT
public:
    explicit NodeReconnector(DomainService &service, QObject *parent = nullptr);
    ~NodeReconnector() override;

    static constexpr int defaultIntervalMs = 30000;
    QTimer *timer() const { return m_timer; }
    // Starts a round now unless one is running (false then, or when no node is unreachable).
    bool retryNow();
    bool running() const { return m_running.isRunning(); }

Q_SIGNALS:
    // A round ended: how many nodes were tried and how many answered.
    void roundFinished(int tried, int answered);

private:
    DomainService &m_service;
    QTimer *m_timer = nullptr;
    QFuture<std::pair<int, int>> m_running;
};

} // namespace passdeck
