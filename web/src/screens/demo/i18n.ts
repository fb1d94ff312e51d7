/** Words of the demo's mail catcher screen, Japanese first; the shared dictionary carries only the nav labels. */
import { useDictionary } from '../../i18n';

const ja = {
  'demo.title': 'メールキャッチャー（デモ）',
  'demo.lead':
    'デモモードでは、Kiban が送るメールはすべてこのマシンの中の SMTP サーバ（{smtp}）に届き、ここに表示されます。外部には一通も送りません。監視は組み込みのシミュレータ（127.0.0.0/8 のエージェントと Web サーバ）を相手に動いており、ときどき障害と復旧が起きて、アラート → インシデント → メールの流れになります。',
  'demo.sim': 'シミュレータ',
  'demo.sim.hosts': '模擬ホスト {n} 台（{first} 〜 {last}）、Web サーバ {web} 台',
  'demo.sim.egress': '監視の接続: 許可 {allowed} 件 / ループバック外として拒否 {refused} 件',
  'demo.sim.faults': '発生中の模擬障害',
  'demo.sim.none': 'なし（次の障害はしばらくすると起きます）',
  'demo.fault.down': '応答なし',
  'demo.fault.cpu': 'CPU 高負荷',
  'demo.fault.http': 'Web 503',
  'demo.fault.until': '{until} まで',
  'demo.mails': '受信したメール（{n} 通）',
  'demo.none': 'まだメールはありません。監視の障害検知やインシデントの登録でメールが送られると、ここに届きます。',
  'demo.receivedAt': '受信日時',
  'demo.subject': '件名',
  'demo.to': '宛先',
  'demo.from': '差出人',
  'demo.cc': 'CC',
  'demo.notDemo': 'この画面はデモモードでのみ使えます。',
};
const en: Partial<Record<keyof typeof ja, string>> = {
  'demo.title': 'Mail catcher (demo)',
  'demo.lead':
    'In demo mode every mail Kiban sends goes to an SMTP server inside this machine ({smtp}) and is shown here; none leaves it. Monitoring runs against the built-in simulator (agents and web servers on 127.0.0.0/8); now and then a failure and its recovery flow through alerts, incidents and mails.',
  'demo.sim': 'Simulator',
  'demo.sim.hosts': '{n} simulated hosts ({first} – {last}), {web} web servers',
  'demo.sim.egress': 'Monitoring connections: {allowed} allowed / {refused} refused as outside loopback',
  'demo.sim.faults': 'Simulated failures now',
  'demo.sim.none': 'None (the next one comes after a while)',
  'demo.fault.down': 'not answering',
  'demo.fault.cpu': 'CPU overload',
  'demo.fault.http': 'web 503',
  'demo.fault.until': 'until {until}',
  'demo.mails': 'Mails received ({n})',
  'demo.none': 'No mail yet. Mails sent on a monitoring detection or a new incident arrive here.',
  'demo.receivedAt': 'Received',
  'demo.subject': 'Subject',
  'demo.to': 'To',
  'demo.from': 'From',
  'demo.cc': 'Cc',
  'demo.notDemo': 'This screen is available in demo mode only.',
};

export type DemoKey = keyof typeof ja;
export const useDemoT = () => useDictionary<DemoKey>(ja, en);
