export interface ActivityEvent {
  id: string;
  userId: number;
  type: string;
  detail: string | null;
  occurredAt: string;
}
