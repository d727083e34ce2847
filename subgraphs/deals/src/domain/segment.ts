export type Segment = 'SMB' | 'ENTERPRISE';

/** SMB deals are up to 500 seats; over 500 is ENTERPRISE (seed). */
export const SMB_MAX_SEATS = 500;

export function segmentForSeats(seats: number): Segment {
  return seats > SMB_MAX_SEATS ? 'ENTERPRISE' : 'SMB';
}
