#include "views/NodeReconnector.h"

#include "service/DomainService.h"

#include <QFutureWatcher>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace passdeck {

NodeReconnector::NodeReconnector(DomainService &service, QObject *parent) : QObject(parent), m_service(service)
{
    m_timer = new QTimer(this);
    m_timer->setObjectName(QStringLiteral("nodeReconnectTimer"));
    m_timer->setInterval(defaultIntervalMs);
    connect(m_timer, &QTimer::timeout, this, [this] { retryNow(); });
    m_timer->start();
}

NodeReconnector::~NodeReconnector()
{
    // The round uses the service, which outlives the window.
    m_running.waitForFinished();
}

bool NodeReconnector::retryNow()
{
    if (m_running.isRunning())
        return false;
    auto nodes = m_service.nodes();
    if (!nodes)
        return false;
    QList<qint64> unreachable;
    for (const NodeInfo &n : *nodes) {
        if (n.unreachableSince.isValid())
            unreachable << n.id;
    }
    if (unreachable.isEmpty())
        return false;
    // Off the GUI thread: a node that does not answer may take its whole timeout to say so.
    DomainService *service = &m_service;
    m_running = QtConcurrent::run([service, unreachable]() -> std::pair<int, int> {
        int answered = 0;
        for (qint64 id : unreachable) {
            if (service->refreshNode(id))
                ++answered;
        }
        return {int(unreachable.size()), answered};
    });
    auto *watcher = new QFutureWatcher<std::pair<int, int>>(this);
    connect(watcher, &QFutureWatcher<std::pair<int, int>>::finished, this, [this, watcher] {
        const auto [tried, answered] = watcher->result();
        watcher->deleteLater();
        Q_EMIT roundFinished(tried, answered);
    });
    watcher->setFuture(m_running);
    return true;
}

} // namespace passdeck
