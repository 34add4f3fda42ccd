/** Public hostnames of the apps: `<app>.<domain>` unless configured. */
export interface AppHosts {
  readonly rancher: string;
  readonly jenkins: string;
  readonly grafana: string;
  readonly bot: string;
}

export function appHosts(domain: string, overrides: Partial<Record<keyof AppHosts, string | undefined>>): AppHosts {
  return {
    rancher: overrides.rancher ?? `rancher.${domain}`,
    jenkins: overrides.jenkins ?? `ci.${domain}`,
    grafana: overrides.grafana ?? `grafana.${domain}`,
    bot: overrides.bot ?? `bot.${domain}`,
  };
}
