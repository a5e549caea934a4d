#pragma once

#include "core/ErrorCode.h"

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace passdeck {

// An error the GUI and the CLI can show as it is: what failed, on which device, why, and what the
// administrator can do about it. Backend calls return these instead of throwing or exiting.
struct Error
{
    ErrorCode code = ErrorCode::Internal; // machine-readable; errorCodeName() at the edges (JSON, audit, wire)
    QString what;     // what failed, e.g. "Binding 0000:01:00.0 to vfio-pci"
    QString why;      // why, e.g. "writing 0000:01:00.0 to .../unbind failed: No such device (ENODEV)"
    QString hint;     // what to do next; may be empty
    QString device;   // the PCI address concerned, if any
    QString step;     // the step that failed (a sysfs file or an operation), if any
    int errnum = 0;   // errno of the failing system call, 0 if none

    // One line: "<what>: <why>. <hint>"
    QString message() const;
    // Appends to the hint (a space between): what else happened, what else to do.
    void addHint(const QString &more);

    // Refused or Failed, as the code's row in the table says (core/ErrorCode.cpp); an error
    // with an errno is a failure whatever its code.
    ErrorCategory category() const;

    static Error make(ErrorCode code, QString what, QString why, QString hint = {});
};

// Either a value or an Error. Small on purpose: std::expected is C++23.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_data(std::move(value)) {}
    Result(Error error) : m_data(std::move(error)) {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<0>(m_data); }
    T &value() & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace passdeck
