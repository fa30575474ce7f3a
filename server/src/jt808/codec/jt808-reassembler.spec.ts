import type { Jt808Header } from './jt808-frame.codec';
import { Jt808Reassembler } from './jt808-reassembler';

const header = (serial: number, total: number, index: number, msgId = 0x0704): Jt808Header => ({
  msgId,
  version: '2013',
  protocolVersion: 0,
  phone: '013800138000',
  serial,
  encryption: 0,
  bodyLength: 0,
  split: { total, index },
});

describe('Jt808Reassembler', () => {
  it('joins packets arriving out of order, keyed by the first packet serial', () => {
    const r = new Jt808Reassembler({ maxMessages: 2, maxPackets: 8, timeoutMs: 1000 });
    expect(r.add(header(12, 3, 3), Buffer.from('cc'), 0)).toEqual({ status: 'partial' });
    expect(r.add(header(10, 3, 1), Buffer.from('aa'), 0)).toEqual({ status: 'partial' });
    expect(r.add(header(10, 3, 1), Buffer.from('aa'), 0)).toEqual({ status: 'duplicate' });
    expect(r.add(header(11, 3, 2), Buffer.from('bb'), 0)).toEqual({ status: 'complete', body: Buffer.from('aabbcc'), firstSerial: 10 });
    expect(r.size).toBe(0);
  });

  it('wraps the serial at 0xFFFF', () => {
    const r = new Jt808Reassembler();
    r.add(header(0xffff, 2, 1), Buffer.from('a'), 0);
    expect(r.add(header(0, 2, 2), Buffer.from('b'), 0)).toMatchObject({ status: 'complete', firstSerial: 0xffff });
  });

  it('passes an unsplit frame straight through', () => {
    const h = { ...header(5, 1, 1), split: null };
    expect(new Jt808Reassembler().add(h, Buffer.from('x'), 0)).toEqual({ status: 'complete', body: Buffer.from('x'), firstSerial: 5 });
  });

  it('bounds the packet count and the messages in progress', () => {
    const r = new Jt808Reassembler({ maxMessages: 1, maxPackets: 4, timeoutMs: 1000 });
    expect(r.add(header(1, 5, 1), Buffer.from('a'), 0)).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/5 packets, more than the 4/) });
    r.add(header(1, 2, 1), Buffer.from('a'), 0);
    expect(r.add(header(1, 2, 1, 0x0200), Buffer.from('a'), 0)).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/already reassembling 1/) });
    expect(r.add(header(2, 3, 2), Buffer.from('a'), 0)).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/says 3 packets, earlier ones said 2/) });
  });

  it('asks once for the missing packets after the timeout, then drops', () => {
    const r = new Jt808Reassembler({ maxMessages: 2, maxPackets: 8, timeoutMs: 1000 });
    r.add(header(20, 4, 1), Buffer.from('a'), 0);
    r.add(header(22, 4, 3), Buffer.from('c'), 0);
    expect(r.sweep(999)).toEqual([]);
    expect(r.sweep(1000)).toEqual([{ msgId: 0x0704, firstSerial: 20, missing: [2, 4], action: 'resend' }]);
    expect(r.sweep(1500)).toEqual([]);
    expect(r.sweep(2000)).toEqual([{ msgId: 0x0704, firstSerial: 20, missing: [2, 4], action: 'dropped' }]);
    expect(r.size).toBe(0);
  });
});
