#include "remote/server/TokenAuth.h"

#include <QElapsedTimer>
#include <QMutexLocker>

namespace passdeck {

TokenAuth::TokenAuth(QByteArray token, ThrottleOptions options, Clock clock)
    : m_token(std::move(token)), m_options(options), m_clock(std::move(clock))
{
    if (!m_clock) {
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        m_clock = [timer] { return timer->elapsed(); };
    }
}

bool TokenAuth::constantTimeEquals(const QByteArray &expected, const QByteArray &given)
{
    // Every byte of the expected token is looked at whatever `given` is; a length difference
    // is folded into the same accumulator instead of returning early.
    unsigned int diff = expected.size() == given.size() ? 0u : 1u;
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const char g = i < given.size() ? given.at(i) : 0;
        diff |= static_cast<unsigned char>(expected.at(i) ^ g);
    }
    return diff == 0 && !expected.isEmpty();
}

bool TokenAuth::check(const QByteArray &authorization) const
{
    const QByteArray value = authorization.trimmed();
    const qsizetype space = value.indexOf(' ');
    if (space < 0 || value.left(space).toLower() != "bearer")
        return false;
    return constantTimeEquals(m_token, value.mid(space + 1).trimmed());
}

qint64 TokenAuth::recordFailure(const QString &peer)
{
    QMutexLocker lock(&m_mutex);
    const qint64 now = m_clock();
    ++m_failureCount;
    // Forget peers whose failures are all older than the window (bounded memory under a scan).
    if (m_failures.size() > 4096) {
        for (auto it = m_failures.begin(); it != m_failures.end();) {
            if (it->isEmpty() || now - it->last() > m_options.windowMs)
                it = m_failures.erase(it);
            else
                ++it;
        }
    }
    QList<qint64> &times = m_failures[peer];
    while (!times.isEmpty() && now - times.first() > m_options.windowMs)
        times.removeFirst();
    times.append(now);
    if (times.size() > 1000)
        times.removeFirst();
    const int over = int(times.size()) - m_options.freeAttempts;
    if (over <= 0)
        return 0;
    ++m_throttled;
    qint64 delay = m_options.firstDelayMs;
    for (int i = 1; i < over && delay < m_options.maxDelayMs; ++i)
        delay *= 2;
    return qMin(delay, m_options.maxDelayMs);
}

quint64 TokenAuth::throttledCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_throttled;
}

quint64 TokenAuth::failureCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_failureCount;
}

} // namespace passdeck
