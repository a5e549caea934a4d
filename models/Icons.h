#pragma once

#include "core/DomainTypes.h"

#include <QIcon>

namespace passdeck {

// The compiled-in SVG icons (resources/icons). Two-tone, so they read on light and dark palettes.
class Icons
{
public:
    static QIcon groupClass(GroupClass c);
    // The group class that best matches a PCI base class (0x03 display -> GPU, ...).
    static GroupClass classForPciClass(int classId);
    static QIcon node();
    static QIcon vm();
    static QIcon tenant();
    static QIcon resources();
    static QIcon warning();
    static QIcon blocker();
    static QIcon info();
    static QIcon ok();
    static QIcon named(const QString &name); // ":/icons/<name>.svg"
};

} // namespace passdeck
