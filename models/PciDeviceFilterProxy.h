#pragma once

#include <QSortFilterProxyModel>

namespace passdeck {

class PciDeviceModel;

// Filters and sorts the PCI Devices table. The text filter matches any column (case-insensitive,
// every word must match); it reads the model's prebuilt search text, so a keystroke over
// 10,000 rows stays well under a frame.
class PciDeviceFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit PciDeviceFilterProxy(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *model) override;

    void setFilterText(const QString &text);
    QString filterText() const { return m_text; }
    // PCI base class (0x02 network...), -1: any.
    void setBaseClassFilter(int baseClass);
    int baseClassFilter() const { return m_baseClass; }
    // Free devices a resource could take (bridges never are).
    void setOnlyFree(bool on);
    bool onlyFree() const { return m_onlyFree; }
    // With "Only free" on: why the other devices (those the text and class filters let through)
    // are hidden, by status — "Free means in no resource group and on no driver; hidden: 30 on
    // host drivers (Make Resource can take them), 12 in resource groups…". Empty when off or
    // nothing is hidden.
    QString onlyFreeExplanation() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    bool acceptsOtherFilters(int sourceRow) const; // the text and class filters

    PciDeviceModel *m_model = nullptr;
    QString m_text;
    QStringList m_words;
    int m_baseClass = -1;
    bool m_onlyFree = false;
};

} // namespace passdeck
