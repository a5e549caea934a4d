#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QString>

#include <functional>

namespace passdeck {

// How repeated failures are slowed (TokenAuth below).
struct TokenThrottle
{
    int freeAttempts = 5;      // failures per window answered at once
    qint64 windowMs = 60000;   // the sliding window
    qint64 firstDelayMs = 250; // the delay of the first throttled failure; doubles after
    qint64 maxDelayMs = 8000;
};

// The agent's one credential check (docs/agent-api.md, "Authentication"): every request
// carries "Authorization: Bearer <token>", compared with the whole token in constant time (the
// time taken says nothing about how many characters were right).
//
// And the throttle: failures are counted per peer address over a sliding minute; from the
// (freeAttempts+1)-th on, each further 401 is answered only after a delay that doubles per
// failure, capped. The server holds the answer back (the connection stays open, nothing is
// blocked), so a guesser gets a handful of tries a minute while a client with the right token
// is never slowed. Thread-safe.
class TokenAuth
{
public:
    using ThrottleOptions = TokenThrottle;
    // A monotonic clock in milliseconds (tests pass their own).
    using Clock = std::function<qint64()>;

    explicit TokenAuth(QByteArray token, ThrottleOptions options = {}, Clock clock = {});

    // The value of an Authorization header: "Bearer <token>" (scheme case-insensitive).
    bool check(const QByteArray &authorization) const;
    // Equal in time independent of where they differ (and of the length of `given`).
    static bool constantTimeEquals(const QByteArray &expected, const QByteArray &given);

    // Records a failure of `peer` now and returns how long to hold its 401 back (0 = at once).
    qint64 recordFailure(const QString &peer);
    // How many 401s were held back so far (tests and the log read it).
    quint64 throttledCount() const;
    quint64 failureCount() const;

private:
    QByteArray m_token;
    ThrottleOptions m_options;
    Clock m_clock;
    mutable QMutex m_mutex;
    QHash<QString, QList<qint64>> m_failures; // peer → times of its failures inside the window
    quint64 m_throttled = 0;
    quint64 m_failureCount = 0;
};

} // namespace passdeck
