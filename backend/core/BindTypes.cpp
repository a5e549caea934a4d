#include "core/BindTypes.h"

namespace passdeck {

QList<Finding> BindPlan::blockers(bool force) const
{
    QList<Finding> out;
    for (const Finding &f : findings)
        if (f.severity == Severity::Blocker && (!force || !f.forcible))
            out.append(f);
    return out;
}

} // namespace passdeck
