import { useState } from 'react';
import { useLive } from '../api/live-state.js';
import { ApprovalCards } from '../components/approval-cards.js';
import { PolicyDenials } from '../components/policy-denials.js';
import { StatusDot } from '../components/status-dot.js';
import { TabBar, panelId, tabId, type TabSpec } from '../components/tab-bar.js';
import { gatewayHealth } from '../format/gateway-health.js';
import { ActivityScreen } from './activity-screen.js';
import { AgentsScreen } from './agents/agents-screen.js';
import { DoctorScreen } from './doctor-screen.js';
import { MappingsScreen } from './mappings/mappings-screen.js';
import { NavigationContext } from './navigation.js';
import { RemedyAction } from '../components/remedy-action.js';
import { RemedySlot } from '../components/remedy-slot.js';
import type { Remedy } from '../../../src/shared/remedy.js';

const remedyAction = (remedy: Remedy) => <RemedyAction remedy={remedy} />;
import type { ScreenId } from './screen-props.js';
import { SettingsScreen } from './settings/settings-screen.js';
import { StatusScreen } from './status-screen.js';

const TABS: readonly TabSpec<ScreenId>[] = [
  { id: 'status', label: 'Status', icon: 'status' },
  { id: 'mappings', label: 'Mappings', icon: 'mappings' },
  { id: 'agents', label: 'Agents', icon: 'agents' },
  { id: 'activity', label: 'Activity', icon: 'activity' },
  { id: 'doctor', label: 'Doctor', icon: 'doctor' },
  { id: 'settings', label: 'Settings', icon: 'settings' },
];

/** The popover after setup: a header with the gateway's state, the screens as tabs. */
export function MainShell({ onReset }: { onReset(): void }) {
  const [screen, setScreen] = useState<ScreenId>('status');
  const { status, doctor } = useLive();
  const health = status ? gatewayHealth(status, doctor.checks) : undefined;
  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          OneCLI
        </div>
        {health && (
          <p className={`pill pill-${health.tone}`}>
            <StatusDot tone={health.tone} />
            <span className="visually-hidden">Gateway </span>
            {health.label}
          </p>
        )}
      </header>
      <nav className="app-nav" aria-label="OneCLI">
        <TabBar<ScreenId> tabs={TABS} selected={screen} onSelect={setScreen} />
      </nav>
      <NavigationContext.Provider value={setScreen}>
        <RemedySlot.Provider value={remedyAction}>
          <main className="content" id="content">
            <ApprovalCards />
            <PolicyDenials />
            <div role="tabpanel" id={panelId(screen)} aria-labelledby={tabId(screen)} className="panel">
              {screen === 'status' && <StatusScreen onNavigate={setScreen} />}
              {screen === 'mappings' && <MappingsScreen />}
              {screen === 'agents' && <AgentsScreen />}
              {screen === 'activity' && <ActivityScreen />}
              {screen === 'doctor' && <DoctorScreen />}
              {screen === 'settings' && <SettingsScreen onReset={onReset} />}
            </div>
          </main>
        </RemedySlot.Provider>
      </NavigationContext.Provider>
    </div>
  );
}
