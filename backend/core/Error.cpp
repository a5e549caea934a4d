#include "core/Error.h"

namespace passdeck {

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

Error Error::make(const QString &code, QString what, QString why, QString hint)
{
    const std::optional<ErrorCode> known = errorCodeFromName(code);
    Q_ASSERT_X(known, "Error::make", qPrintable(QStringLiteral("unknown error code \"%1\"").arg(code)));
    return make(known.value_or(ErrorCode::Internal), std::move(what), std::move(why), std::move(hint));
}

} // namespace passdeck
