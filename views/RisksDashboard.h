#pragma once

#include "views/Dashboard.h"

namespace passdeck {

// Help → Risks and Precautions: what passthrough can take away from a host and how to stay safe.
class RisksDashboard : public Dashboard
{
    Q_OBJECT
public:
    explicit RisksDashboard(MainWindow &window);

    QString title() const override;
    void refresh() override {}

    static QString html();
};

} // namespace passdeck
