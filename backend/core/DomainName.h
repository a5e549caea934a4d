#pragma once

#include <QString>

namespace passdeck {

// Whether a name is a libvirt domain name Passdeck accepts (docs/libvirt.md): 1 to 64
// characters, no '/', no control characters or line breaks, not only dots. libvirt's own rules
// are looser; these keep a name safe in a URL path, a file name and a log line. Checked by the
// node before any libvirt call and by the codec on everything that crosses the wire.
bool isValidDomainName(const QString &name);

} // namespace passdeck
