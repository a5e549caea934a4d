#pragma once

#include "core/Error.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace passdeck {

// A PCI function address, DDDD:BB:DD.F. Every address that becomes part of a path is validated
// here first (docs/binding.md): lower-case hex only, so "../" tricks and stray spellings never
// reach the filesystem.
class PciAddress
{
public:
    PciAddress() = default;

    // Strict: exactly ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$
    static bool isValid(QStringView text);
    static Result<PciAddress> parse(QStringView text);
    static PciAddress fromParts(int domain, int bus, int slot, int function);

    // How parseList reads each entry. Exact: as given (the node side, where an address becomes
    // part of a path). Normalized: trimmed and lower-cased first (what a form or the CLI typed).
    enum class Spelling { Exact, Normalized };
    // The one parser of an address list (the node's planner and the service both use it):
    // every entry in order, duplicates collapsed (asking twice for the same device is not
    // ambiguous). The first malformed entry is an Error "bad-address" whose device is that entry
    // (at most 64 characters; *invalid, when given, gets it in full); an empty list an Error
    // "no-devices".
    static Result<QList<PciAddress>> parseList(const QStringList &texts, Spelling spelling = Spelling::Exact,
                                               QString *invalid = nullptr);

    bool isNull() const { return m_domain < 0; }
    int domain() const { return m_domain; }
    int bus() const { return m_bus; }
    int slot() const { return m_slot; }
    int function() const { return m_function; }

    QString toString() const;

    friend bool operator==(const PciAddress &, const PciAddress &) = default;
    friend auto operator<=>(const PciAddress &, const PciAddress &) = default;

private:
    int m_domain = -1;
    int m_bus = 0;
    int m_slot = 0;
    int m_function = 0;
};

// Kernel driver names as they may appear in a sysfs path: [A-Za-z0-9_-]{1,64}, not "." or "..".
bool isValidDriverName(QStringView name);

} // namespace passdeck
