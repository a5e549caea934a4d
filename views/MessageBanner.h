#pragma once

#include <QFrame>
#include <QMap>

class QLabel;
class QVBoxLayout;

namespace passdeck {

// The message area at the top of every dashboard: a stack of notices (reboot required, restart
// needed, the result of the last action), each keyed so that a dashboard replaces its own
// notice instead of piling them up. Links in a notice are reported through linkActivated.
//
// Success and Info notices report something that happened: they expire after a while
// (transientTimeout) and when their dashboard is left (clearTransient). Warnings and errors
// describe what is true now (a reboot is required, a change was refused) and stay until their
// dashboard clears or replaces them, or the administrator dismisses them.
class MessageBanner : public QFrame
{
    Q_OBJECT
public:
    enum class Level { Info, Success, Warning, Error };

    explicit MessageBanner(QWidget *parent = nullptr);

    // Rich text; links ("<a href='nav:node:3'>…</a>") are emitted, never opened.
    // The notice's label has objectName "banner_<key>".
    void setNotice(const QString &key, Level level, const QString &html);
    void clearNotice(const QString &key);
    void clearAll();
    bool hasNotice(const QString &key) const;
    QString noticeText(const QString &key) const;   // plain text, for tests and accessibility
    QLabel *noticeLabel(const QString &key) const;
    QStringList keys() const { return m_notices.keys(); }
    Level level(const QString &key) const { return m_levels.value(key, Level::Info); }
    // Removes the Success and Info notices (the dashboard was left).
    void clearTransient();

    // How long a Success or Info notice stays, in ms (default 20 s); tests shorten it.
    static int transientTimeout();
    static void setTransientTimeout(int ms);

Q_SIGNALS:
    void linkActivated(const QString &link);

private:
    QVBoxLayout *m_layout = nullptr;
    QMap<QString, QFrame *> m_notices;
    QMap<QString, Level> m_levels;
};

} // namespace passdeck
