// The error code table: every code has a unique stable name that maps back to it, and a category.
#include "core/Error.h"
#include "core/ErrorCode.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace passdeck;

class TstErrorCode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyCodeRoundTripsItsName()
    {
        QVERIFY(allErrorCodes().size() > 1);
        QSet<QString> names;
        for (const ErrorCode code : allErrorCodes()) {
            const QString name = errorCodeName(code);
            QVERIFY2(!name.isEmpty(), qPrintable(QString::number(int(code))));
            // Names are what scripts match on: lower-case words joined by '-'.
            QVERIFY2(QRegularExpression(QStringLiteral("^[a-z]+(-[a-z]+)*$")).match(name).hasMatch(), qPrintable(name));
            QVERIFY2(!names.contains(name), qPrintable(name));
            names.insert(name);
            const std::optional<ErrorCode> back = errorCodeFromName(name);
            QVERIFY2(back.has_value(), qPrintable(name));
            QCOMPARE(*back, code);
        }
        // Every value of the enum is in the walk: they are numbered 0..n-1 without gaps.
        for (qsizetype i = 0; i < allErrorCodes().size(); ++i)
            QCOMPARE(int(allErrorCodes().at(i)), int(i));
    }

    void everyCodeHasACategory()
    {
        for (const ErrorCode code : allErrorCodes()) {
            const ErrorCategory c = errorCodeCategory(code);
            QVERIFY2(c == ErrorCategory::Refused || c == ErrorCategory::Failed, qPrintable(errorCodeName(code)));
        }
    }

    void categoriesOfTheAuditedFailures()
    {
        // Things that broke while doing what was asked: the audit must not call them refusals.
        for (const ErrorCode code : {ErrorCode::PersistFailed, ErrorCode::PersistLocked, ErrorCode::ReadFailed,
                                     ErrorCode::SimWriteFailed, ErrorCode::Sql, ErrorCode::Busy, ErrorCode::Errno,
                                     ErrorCode::VerifyFailed, ErrorCode::WriteFailed, ErrorCode::StoreOpen})
            QVERIFY2(errorCodeCategory(code) == ErrorCategory::Failed, qPrintable(errorCodeName(code)));
        // The rules or the input said no.
        for (const ErrorCode code : {ErrorCode::BadName, ErrorCode::InUse, ErrorCode::Blocked, ErrorCode::NotFound,
                                     ErrorCode::Duplicate, ErrorCode::NotEnoughDevices, ErrorCode::DeviceBusy})
            QVERIFY2(errorCodeCategory(code) == ErrorCategory::Refused, qPrintable(errorCodeName(code)));
    }

    void unknownNamesAreNotCodes()
    {
        QVERIFY(!errorCodeFromName(QStringLiteral("no-such-code")).has_value());
        QVERIFY(!errorCodeFromName(QString()).has_value());
        QVERIFY(!errorCodeFromName(QStringLiteral("Persist-Failed")).has_value());
        QVERIFY(errorCodeFromName(QStringLiteral("persist-failed")) == std::optional<ErrorCode>(ErrorCode::PersistFailed));
    }

    void anErrnoMakesAFailure()
    {
        Error e = Error::make(ErrorCode::NotFound, QStringLiteral("w"), QStringLiteral("y"));
        QVERIFY(e.category() == ErrorCategory::Refused);
        e.errnum = 5;
        QVERIFY(e.category() == ErrorCategory::Failed);
        QVERIFY(Error().category() == ErrorCategory::Failed); // a code never set is a bug, not a refusal
    }

    void hintsAddUp()
    {
        Error e = Error::make(ErrorCode::NotFound, QStringLiteral("Looking up VM 'x'"), QStringLiteral("there is none"));
        e.addHint(QStringLiteral("List the VMs."));
        QCOMPARE(e.hint, QStringLiteral("List the VMs."));
        e.addHint(QStringLiteral("Putting the store back failed too: busy."));
        QCOMPARE(e.hint, QStringLiteral("List the VMs. Putting the store back failed too: busy."));
        e.addHint(QString());
        QCOMPARE(e.message(), QStringLiteral("Looking up VM 'x': there is none. List the VMs. Putting the store back failed too: busy."));
    }
};

QTEST_GUILESS_MAIN(TstErrorCode)
#include "tst_errorcode.moc"
