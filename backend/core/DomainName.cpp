#include "core/DomainName.h"

namespace passdeck {

bool isValidDomainName(const QString &name)
{
    if (name.isEmpty() || name.size() > 64 || name.contains(u'/'))
        return false;
    if (name.count(u'.') == name.size())
        return false;
    for (const QChar c : name)
        if (c.category() == QChar::Other_Control || (c.isSpace() && c != u' '))
            return false;
    return true;
}

} // namespace passdeck
