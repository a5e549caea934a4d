#include "core/DomainTypes.h"

namespace passdeck {

namespace {
struct ClassName
{
    GroupClass value;
    const char *name;
};
constexpr ClassName classNames[] = {
    {GroupClass::Gpu, "GPU"},         {GroupClass::Network, "Network"},
    {GroupClass::Storage, "Storage"}, {GroupClass::Usb, "USB"},
    {GroupClass::Audio, "Audio"},     {GroupClass::Accelerator, "Accelerator"},
    {GroupClass::Other, "Other"},
};
} // namespace

QString groupClassName(GroupClass c)
{
    for (const ClassName &n : classNames)
        if (n.value == c)
            return QString::fromLatin1(n.name);
    return QStringLiteral("Other");
}

bool groupClassFromString(const QString &text, GroupClass *out)
{
    for (const ClassName &n : classNames) {
        if (text.compare(QLatin1String(n.name), Qt::CaseInsensitive) == 0) {
            if (out)
                *out = n.value;
            return true;
        }
    }
    return false;
}

QString deviceStatusName(DeviceStatus s)
{
    switch (s) {
    case DeviceStatus::Free: return QStringLiteral("free");
    case DeviceStatus::InResourceGroup: return QStringLiteral("in-group");
    case DeviceStatus::UsedByVm: return QStringLiteral("used-by-vm");
    case DeviceStatus::OwnedByTenant: return QStringLiteral("tenant");
    case DeviceStatus::InUseByHost: return QStringLiteral("host");
    }
    return QStringLiteral("free");
}

QString auditResultName(AuditResult r)
{
    switch (r) {
    case AuditResult::Ok: return QStringLiteral("ok");
    case AuditResult::Refused: return QStringLiteral("refused");
    case AuditResult::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("ok");
}

int GroupAvailability::functionsFor(int units) const
{
    int n = 0;
    for (int i = 0; i < units && i < freeUnitSizes.size(); ++i)
        n += freeUnitSizes.at(i);
    return n;
}

} // namespace passdeck
