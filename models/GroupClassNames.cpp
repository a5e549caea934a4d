#include "models/GroupClassNames.h"

#include <QCoreApplication>

namespace passdeck {

QList<GroupClass> GroupClassNames::all()
{
    return {GroupClass::Gpu, GroupClass::Network, GroupClass::Storage, GroupClass::Usb,
            GroupClass::Audio, GroupClass::Accelerator, GroupClass::Other};
}

QString GroupClassNames::display(GroupClass c)
{
    switch (c) {
    case GroupClass::Gpu: return QCoreApplication::translate("GroupClass", "GPU");
    case GroupClass::Network: return QCoreApplication::translate("GroupClass", "Network");
    case GroupClass::Storage: return QCoreApplication::translate("GroupClass", "Storage");
    case GroupClass::Usb: return QCoreApplication::translate("GroupClass", "USB");
    case GroupClass::Audio: return QCoreApplication::translate("GroupClass", "Audio");
    case GroupClass::Accelerator: return QCoreApplication::translate("GroupClass", "Accelerator");
    case GroupClass::Other: break;
    }
    return QCoreApplication::translate("GroupClass", "Other");
}

QString GroupClassNames::owner(const ResourceGroup &group)
{
    if (group.owner == GroupOwner::Host)
        return QCoreApplication::translate("GroupClass", "Host");
    return QCoreApplication::translate("GroupClass", "Tenant %1").arg(group.tenantName);
}

} // namespace passdeck
