import type { Services } from '../services';
import { AnalyseCheckpointCommand } from './analyseCheckpoint';
import type { Command } from './command';
import type { CommandManager } from './commandManager';
import { CompareCheckpointsCommand } from './compareCheckpoints';
import { DeleteRunCommand } from './deleteRun';
import { DownloadMnistCommand } from './downloadMnist';
import { ExportFigureCommand } from './exportFigure';
import { GenerateCommand } from './generate';
import { ImportCheckpointCommand } from './importCheckpoint';
import { OpenDashboardCommand } from './openDashboard';
import { OpenInspectorCommand } from './openInspector';
import { ReconstructCommand } from './reconstruct';
import { RefreshRunsCommand } from './refreshRuns';
import { ResumeTrainingCommand } from './resumeTraining';
import { RevealRunCommand } from './revealRun';
import { SelectBackendCommand } from './selectBackend';
import { ShowLogCommand } from './showLog';
import { ShowTrainingActionsCommand } from './showTrainingActions';
import { StopTrainingCommand } from './stopTraining';
import { TrainModelCommand } from './trainModel';

/** Every command the manifest contributes, registered through the one manager. */
export function registerCommands(manager: CommandManager, services: Services): void {
  const commands: Command[] = [
    new TrainModelCommand(services),
    new StopTrainingCommand(services),
    new ResumeTrainingCommand(services),
    new ShowTrainingActionsCommand(services),
    new OpenInspectorCommand(services),
    new OpenDashboardCommand(services),
    new AnalyseCheckpointCommand(services),
    new ReconstructCommand(services),
    new GenerateCommand(services),
    new CompareCheckpointsCommand(services),
    new ExportFigureCommand(services),
    new DeleteRunCommand(services),
    new RevealRunCommand(services),
    new RefreshRunsCommand(services),
    new ImportCheckpointCommand(services),
    new DownloadMnistCommand(services),
    new SelectBackendCommand(services),
    new ShowLogCommand(services),
  ];
  for (const command of commands) manager.register(command);
}
