#pragma once

#include "core/DomainTypes.h"

#include <QList>
#include <QString>

namespace passdeck {

// Translated names of the group classes, in the order the Class dropdown shows them.
class GroupClassNames
{
public:
    static QList<GroupClass> all();
    static QString display(GroupClass c);
    static QString owner(const ResourceGroup &group);
};

} // namespace passdeck
