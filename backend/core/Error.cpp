#include "core/Error.h"

namespace passdeck {

void Error::addHint(const QString &more)
{
    hint = QString(hint + u' ' + more).trimmed();
}

QString Error::message() const
{
    QString text = what;
    if (!why.isEmpty())
        text += (text.isEmpty() ? QString() : QStringLiteral(": ")) + why;
    if (!hint.isEmpty()) {
        if (!text.endsWith(u'.'))
            text += u'.';
        text += u' ' + hint;
    }
    return text;
}

ErrorCategory Error::category() const
{
    return errnum != 0 ? ErrorCategory::Failed : errorCodeCategory(code);
}

Error Error::make(ErrorCode code, QString what, QString why, QString hint)
{
    Error e;
    e.code = code;
    e.what = std::move(what);
    e.why = std::move(why);
    e.hint = std::move(hint);
    return e;
}

} // namespace passdeck
