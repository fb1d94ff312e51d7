import { describe, expect, it } from 'vitest';
import { InvalidLoginError, NotAuthenticatedError, type VsphereError } from './errors.ts';
import { readSoapResponse } from './soap.ts';
import { decode, decodeEntities, el, envelope, escapeXml, parseXml, refEl, seq } from './xml.ts';

const ENV_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENV_CLOSE = '</soapenv:Body></soapenv:Envelope>';

describe('building requests', () => {
  it('escapes markup characters in text and attributes', () => {
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    expect(el('password', `p&ss<word>`).xml).toBe('<password>p&amp;ss&lt;word&gt;</password>');
    expect(refEl('obj', { type: 'A"B', value: 'x&y' }).xml).toBe('<obj type="A&quot;B">x&amp;y</obj>');
  });

  it('keeps Japanese and emoji as they are, and a carriage return as a reference', () => {
    expect(escapeXml('基盤サーバ😀')).toBe('基盤サーバ😀');
    expect(escapeXml('a\r\nb')).toBe('a&#13;\nb');
  });

  it('refuses characters XML cannot carry instead of dropping them', () => {
    expect(() => escapeXml('a\u0000b')).toThrow(RangeError);
    expect(() => escapeXml('a\u001bb')).toThrow(RangeError);
    expect(() => escapeXml('\ud800')).toThrow(RangeError);
  });

  it('nests fragments without escaping them twice and skips absent optional elements', () => {
    const body = el('spec', seq(null, el('host', 'h&1'), undefined, false));
    expect(body.xml).toBe('<spec><host>h&amp;1</host></spec>');
    expect(el('location', null).xml).toBe('<location/>');
  });

  it('puts the method in the vim25 namespace with its _this reference first', () => {
    const xml = envelope('Login', { type: 'SessionManager', value: 'SessionManager' }, el('userName', 'u'));
    expect(xml).toContain('<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>u</userName></Login>');
  });
});

describe('reading responses', () => {
  it('decodes character references once, the way Go and vCenter write them', () => {
    expect(decodeEntities('a&#34;b&#x9;c&#39;&amp;lt;&#12354;')).toBe('a"b\tc\'&lt;あ');
  });

  it('turns typed values, references and arrays into plain data, whatever the xsi prefix', () => {
    const doc = parseXml(
      '<r xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance">' +
        '<a XMLSchema-instance:type="xsd:int">42</a>' +
        '<b xsi:type="xsd:boolean">true</b>' +
        '<c type="HostSystem">host-1</c>' +
        '<d xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Datastore">ds-1</ManagedObjectReference></d>' +
        '<e xsi:type="ArrayOfManagedObjectReference"></e>' +
        '<f xsi:type="xsd:string">名前 &amp; &#34;quote&#34;</f>' +
        '<g xsi:type="HostCpuInfo"><numCpuCores>8</numCpuCores><hz>2400000000</hz></g>' +
        '<h xsi:type="xsd:long">17179869184</h>' +
        '</r>',
    );
    expect(decode((doc as { r: unknown }).r)).toEqual({
      a: 42,
      b: true,
      c: { type: 'HostSystem', value: 'host-1' },
      d: [{ type: 'Datastore', value: 'ds-1' }],
      e: [],
      f: '名前 & "quote"',
      g: { _type: 'HostCpuInfo', numCpuCores: '8', hz: '2400000000' },
      h: 17179869184,
    });
  });

  it('maps an InvalidLogin fault to InvalidLoginError', () => {
    const body = `${ENV_OPEN}<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>Login failure</faultstring><detail><InvalidLoginFault xmlns="urn:vim25" xsi:type="InvalidLogin"></InvalidLoginFault></detail></soapenv:Fault>${ENV_CLOSE}`;
    expect(() => readSoapResponse('Login', 500, body)).toThrow(InvalidLoginError);
  });

  it('maps a NotAuthenticated fault to NotAuthenticatedError and keeps its detail', () => {
    const body = `${ENV_OPEN}<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring></faultstring><detail><NotAuthenticatedFault xmlns="urn:vim25" xsi:type="NotAuthenticated"><object type="ServiceInstance">ServiceInstance</object><privilegeId>System.View</privilegeId></NotAuthenticatedFault></detail></soapenv:Fault>${ENV_CLOSE}`;
    try {
      readSoapResponse('CurrentTime', 500, body);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(NotAuthenticatedError);
      expect((err as VsphereError).detail).toMatchObject({ privilegeId: 'System.View' });
    }
  });

  it('names other faults by their type', () => {
    const body = `${ENV_OPEN}<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>bad</faultstring><detail><InvalidStateFault xmlns="urn:vim25"></InvalidStateFault></detail></soapenv:Fault>${ENV_CLOSE}`;
    expect(() => readSoapResponse('X', 500, body)).toThrow(expect.objectContaining({ code: 'fault', faultType: 'InvalidState', message: 'bad' }));
  });

  it('rejects an answer that is not a SOAP envelope', () => {
    expect(() => readSoapResponse('Login', 503, '<html><body>Service Unavailable</body></html>')).toThrow(
      expect.objectContaining({ code: 'protocol' }),
    );
    expect(() => readSoapResponse('Login', 200, `${ENV_OPEN}<OtherResponse/>${ENV_CLOSE}`)).toThrow(expect.objectContaining({ code: 'protocol' }));
  });

  it('returns nothing for a method without a return value', () => {
    expect(readSoapResponse('Logout', 200, `${ENV_OPEN}<LogoutResponse xmlns="urn:vim25"></LogoutResponse>${ENV_CLOSE}`).returnval).toBeUndefined();
  });
});
